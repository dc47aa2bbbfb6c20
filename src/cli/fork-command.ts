import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, delimiter, extname, isAbsolute, join, resolve } from 'node:path';
import { ScriptNotFoundError } from '../cluster/errors.js';
import { assertScriptFile } from '../cluster/options.js';
import { nodeEntry } from '../config/load-config.js';
import { shellQuote } from './shell-quote.js';

/**
 * The program that runs a script of these extensions when no interpreter is given, as PM2 picks it
 * (lib/API/interpreter.json): PM2's `python` is `python3` here, which PM2 itself falls back to and which is the one
 * most systems have. A script that is executable runs as itself instead: its `#!` line may name a virtualenv's python
 * or another shell, which the extension cannot tell.
 */
const extensionInterpreters: Readonly<Record<string, string>> = {
  '.sh': 'bash',
  '.py': 'python3',
  '.rb': 'ruby',
  '.php': 'php',
  '.pl': 'perl',
};

/**
 * The command of a fork-mode app, or undefined for a cluster-mode one. Fork mode is chosen (as PM2 does) by
 * `execMode: 'fork'`, an `interpreter` other than node, or a script that is not a JavaScript/TypeScript file (a binary
 * such as `pnpm`, a `.py` or `.sh` script). A script file of an {@link extensionInterpreters} extension that is not
 * executable runs with that interpreter. `nodeArgs` (PM2's `interpreter_args` too) go before the script, for node or
 * another interpreter. Node chosen by Hive (no interpreter, or `node`) is marked `hiveNode`: the daemon runs its own.
 */
export function forkCommand(app: {
  script: string;
  cwd: string;
  args: string[];
  nodeArgs?: string[];
  interpreter?: string | undefined;
  execMode?: string | undefined;
}): { command: string; args: string[]; hiveNode?: 'node' | 'tsx' } | undefined {
  const { script, cwd, args, interpreter } = app;
  // A file with no such extension whose `#!` line runs node (express's `bin/www`) is node's too when cluster mode is
  // asked for: PM2 runs any script that is not a binary with node, in cluster workers then. Else Hive's rule stands.
  const isNodeEntry =
    nodeEntry.test(script) ||
    (app.execMode === 'cluster' &&
      (interpreter === undefined || interpreter === 'node') &&
      hasNodeShebang(resolve(cwd, script)));
  const fork = app.execMode === 'fork' || (interpreter !== undefined && interpreter !== 'node') || !isNodeEntry;
  if (!fork) return undefined;
  // A path, or a bare name of a file in the app's folder (`hive start ticker.sh`, as PM2 takes it), is taken from the
  // app's folder; any other bare name (`pnpm`) is looked up on PATH.
  const local = resolve(cwd, script);
  const path = script.includes('/') || isAbsolute(script) || existsSync(local) ? local : script;
  const nodeArgs = app.nodeArgs ?? [];
  if (interpreter === undefined && !isNodeEntry) {
    const byExtension = path === local ? extensionInterpreters[extname(path)] : undefined;
    if (byExtension === undefined || isExecutable(path)) return { command: path, args };
    return { command: byExtension, args: [...nodeArgs, path, ...args] };
  }
  if (interpreter === 'none') return { command: path, args };
  if (interpreter === undefined || interpreter === 'node') {
    const tsx = /\.(c|m)?tsx?$/.test(script) ? ['--import', import.meta.resolve('tsx')] : [];
    // Hive's choice, which the daemon replaces with its own Node and tsx (daemon/fork-node.ts): this Node may be gone
    // by the app's next start (`hive update` under another, `nvm uninstall`).
    const hiveNode = tsx.length > 0 ? 'tsx' : 'node';
    return { command: process.execPath, args: [...tsx, ...nodeArgs, path, ...args], hiveNode };
  }
  return { command: interpreter, args: [...nodeArgs, path, ...args] };
}

/**
 * Sets PYTHONUNBUFFERED=1 in the `env` of a fork-mode app run by python, as PM2 does, unless the app sets it: piped to
 * the daemon, python's output is otherwise written in 8 KiB blocks, and a few log lines may never show.
 */
export function addForkEnv(fork: { command: string } | undefined, env: Record<string, string>): void {
  if (fork !== undefined && basename(fork.command).startsWith('python') && env.PYTHONUNBUFFERED === undefined) {
    env.PYTHONUNBUFFERED = '1';
  }
}

/** Whether a script is one an interpreter of its extension runs when none is given (`.sh`, `.py`...), as in PM2. */
export function hasInterpreterExtension(script: string): boolean {
  return extensionInterpreters[extname(script)] !== undefined;
}

/** Whether `file` starts with a `#!` line that runs node: `#!/usr/bin/env node`, `#!/usr/local/bin/node --flag`. */
export function hasNodeShebang(file: string): boolean {
  let head: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(256);
      head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  if (!head.startsWith('#!')) return false;
  const words = head.slice(2).split('\n')[0]!.trim().split(/\s+/);
  // `env` runs the first word that is neither an option (`-S`) nor a variable (`NODE_ENV=production`).
  const program = basename(words[0] ?? '') === 'env' ? words.slice(1).find((w) => !/^-|=/.test(w)) : words[0];
  return program !== undefined && basename(program) === 'node';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Whether `name` is an executable file in a folder of `path` (PATH), as the app's spawn will look it up. */
export function isOnPath(name: string, path: string = process.env.PATH ?? ''): boolean {
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => isExecutable(join(dir, name)));
}

/** A bare name (`hive start pnpm`) that is neither a file here nor a program on PATH. */
export class ProgramNotFoundError extends ScriptNotFoundError {
  constructor(name: string) {
    super(name);
    this.message = `no file ${name} here and no program of that name on PATH`;
  }
}

/**
 * A script that is no file but a command line (`hive start "npm run start"`, PM2's way to run one through a shell):
 * the same ERR_HIVE_SCRIPT_NOT_FOUND, with the program and its arguments apart, which is how Hive takes them.
 */
export class CommandLineScriptError extends ScriptNotFoundError {
  constructor(script: string, path: string) {
    super(path);
    const [program = script, ...rest] = script.trim().split(/\s+/);
    const args = rest.map(shellQuote).join(' ');
    this.message =
      `no file ${JSON.stringify(script)} here: a command line is not a script. Give the program and its arguments ` +
      `apart: \`hive start ${shellQuote(program)} -- ${args}\`, or in a config file script: ${JSON.stringify(program)}, ` +
      `args: ${JSON.stringify(rest.join(' '))} (PM2 runs such a line in a shell; Hive runs no shell)`;
  }
}

/**
 * Throws a ScriptNotFoundError when an app's script is not there to run: a file against `cwd`, or for a fork-mode app
 * (`fork`, from forkCommand) run as a program itself, a bare name of a program on PATH, as PM2 falls back to one
 * (`which`, resolveAppAttributes). A script that node or an interpreter runs is a file, whatever its name: node does
 * not look `wrker.js` up on PATH, and the app would crash-loop with MODULE_NOT_FOUND. Made before the daemon adds the
 * app: the `hive run` primary would make it again, but only once the app is added.
 */
export function assertAppScript(script: string, cwd: string, fork: { command: string } | undefined): void {
  // forkCommand leaves a bare name as it is only when no file of that name is in `cwd`, for PATH to find.
  const onPath = fork !== undefined && fork.command === script && !script.includes('/');
  try {
    if (!onPath) assertScriptFile(resolve(cwd, script));
    // Else its spawn would fail with ENOENT on every restart, while the app showed online (its fork primary runs).
    else if (!isOnPath(script)) throw new ProgramNotFoundError(script);
  } catch (error) {
    const missing = error instanceof ScriptNotFoundError && !error.isDirectory;
    if (missing && /\S\s+\S/.test(script.trim())) throw new CommandLineScriptError(script, error.script);
    throw error;
  }
}
