#!/usr/bin/env node
/**
 * The `hive` command: dispatches `hive <command> ...` to src/cli/commands/<command>.ts, imported lazily so each
 * command loads only what it needs. A command's default export takes the remaining arguments and resolves to the
 * exit code (0 ok, 1 failure, 2 usage).
 */
import { readdirSync, readFileSync } from 'node:fs';
import module from 'node:module';
import { exitFlushed } from '../exit-flushed.js';

// Node >= 22.1 keeps compiled code between runs of a command started over and over (a few ms of every `hive ls`);
// NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE still rule. Absent on Node 20: nothing happens.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

type Command = (argv: string[]) => Promise<number>;

/**
 * A command module: its default export runs it; `exitFlushTimeoutMs` bounds the wait for its output to be read at
 * its exit (none by default: a command's reader may be a pager waiting on the user, as `cat | less`).
 */
interface CommandModule {
  default: Command;
  exitFlushTimeoutMs?: number;
}

// Set once the command's module is loaded.
let flushTimeoutMs = Number.POSITIVE_INFINITY;

const commandsDir = new URL('./commands/', import.meta.url);

// PM2's other names of the same commands: a PM2 user's `pm2 list` or `pm2 show api` habit, and scripts, keep working.
// Command names are kebab-case files; PM2's camelCase ones are names here. Flags after the name go before the user's.
const pm2Names: Readonly<Record<string, readonly [string, ...string[]]>> = {
  list: ['ls'],
  l: ['ls'],
  ps: ['ls'],
  status: ['ls'],
  show: ['describe'],
  info: ['describe'],
  desc: ['describe'],
  del: ['delete'],
  dump: ['save'],
  ecosystem: ['init', '--pm2'],
  dash: ['dashboard'],
  updatePM2: ['update'],
  startOrReload: ['start-or-reload'],
  startOrGracefulReload: ['start-or-reload'],
  startOrRestart: ['start-or-restart'],
  sendSignal: ['send-signal'],
  reloadLogs: ['reload-logs'],
  unstartup: ['startup', '--remove'],
};

// PM2 commands with no Hive counterpart: what to do instead, rather than the bare list of commands.
const pm2Only: Readonly<Record<string, string>> = {
  cleardump:
    'Hive has no cleardump: `hive save --force` with no app running writes an empty dump, or remove $HIVE_HOME/dump.json',
  install: 'Hive has no PM2 modules; log rotation (pm2-logrotate) is built in: see docs/cli.md, Log rotation',
  uninstall: 'Hive has no PM2 modules',
  link: 'Hive has no PM2.io link: `hive dashboard`, or Prometheus metrics (`hive start --metrics-port`)',
  plus: 'Hive has no PM2.io link: `hive dashboard`, or Prometheus metrics (`hive start --metrics-port`)',
  report:
    'Hive has no report: `hive version`, `hive ls`, `hive describe <app>` and $HIVE_HOME/daemon.log tell the same',
  trigger: "Hive has no PM2 actions (tx2's): `hive send-signal <signal> <app>` reaches the app's processes",
  deepUpdate: 'use `hive update`, after upgrading the hive package',
};

function availableCommands(): string[] {
  try {
    return readdirSync(commandsDir)
      .filter((file) => file.endsWith('.js'))
      .map((file) => file.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

function usage(): string {
  return `Usage: hive <command> [options]\n\nCommands: ${availableCommands().join(', ')}\nPM2's names work too: list, l, ps, status (ls), show, info, desc (describe), del (delete),\ndump (save), ecosystem (init --pm2), dash (dashboard), updatePM2 (update), sendSignal (send-signal),\nstartOrReload, startOrGracefulReload (start-or-reload), startOrRestart (start-or-restart),\nreloadLogs (reload-logs), unstartup (startup --remove)\nRun \`hive <command> --help\` for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [given, ...args] = argv;
  const [name, ...flags] = given !== undefined && Object.hasOwn(pm2Names, given) ? pm2Names[given]! : [given];
  const rest = [...flags, ...args];
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '-v' || name === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (Object.hasOwn(pm2Only, name)) {
    process.stderr.write(`hive: ${JSON.stringify(name)} is a PM2 command: ${pm2Only[name]}\n`);
    return 2;
  }
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !availableCommands().includes(name)) {
    process.stderr.write(`hive: unknown command ${JSON.stringify(name)}\n${usage()}\n`);
    return 2;
  }
  const module = (await import(new URL(`${name}.js`, commandsDir).href)) as CommandModule;
  flushTimeoutMs = module.exitFlushTimeoutMs ?? flushTimeoutMs;
  return module.default(rest);
}

main(process.argv.slice(2)).then(
  (code) => exitFlushed(code, flushTimeoutMs),
  (error: unknown) => {
    process.stderr.write(`hive: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exitFlushed(1, flushTimeoutMs);
  },
);
