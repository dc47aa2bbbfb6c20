import { basename, resolve } from 'node:path';
import type { AppSpec } from './protocol.js';
import { ownRunArgs, ownRunArgsJoined } from './run-arg-flag.js';

/**
 * Where an app a config file starts or reloads comes from: the file (absolute), and its script and cwd. A reload's
 * also carries the `hive run` arguments the file gives the app now, and the file's names of their options (a flag's
 * name, without its dashes, or `args` for the script's own arguments, to the key as the file spells it), for
 * keptOptionsWarning; an older CLI sends neither.
 */
export type AppOrigin = Pick<AppSpec, 'configFile' | 'script' | 'cwd'> & {
  runArgs?: readonly string[] | undefined;
  optionNames?: Readonly<Record<string, string>> | undefined;
  /** The file's settings of what the daemon itself runs for the app (its watcher, its cron): a reload applies them. */
  settings?: DaemonSettings | undefined;
};

/** An app's settings the daemon applies itself, no process of the app involved: `hive reload <file>` applies them. */
export type DaemonSettings = Pick<AppSpec, 'watch' | 'ignoreWatch' | 'watchDelay' | 'cronRestart'>;

/** The keys of DaemonSettings that the daemon's watcher runs on: a change of any restarts the watcher. */
export const WATCH_SETTINGS: readonly (keyof DaemonSettings)[] = ['watch', 'ignoreWatch', 'watchDelay'];

/** The keys of DaemonSettings. */
export const DAEMON_SETTINGS: readonly (keyof DaemonSettings)[] = [...WATCH_SETTINGS, 'cronRestart'];

/** Which of `incoming`'s settings differ from the app's `existing` ones (a key absent: none). */
export function changedSettings(existing: DaemonSettings, incoming: DaemonSettings): (keyof DaemonSettings)[] {
  return DAEMON_SETTINGS.filter(
    (key) => JSON.stringify(existing[key] ?? null) !== JSON.stringify(incoming[key] ?? null),
  );
}

/**
 * The warning a config file's start or reload of the app of that name the daemon has deserves, or undefined: that app
 * came from another config file (or, none recorded, as for a script's app or one of an older dump, ran another
 * script). The file's definition applies all the same, as PM2 applies it: a refusal broke release-folder deploys
 * (`cd releases/2 && hive startOrReload ecosystem.config.js` of an app from releases/1) and every app of an older dump.
 * The same project moved (a file of the same name defining an app of the same script name: a new release folder, a
 * `cd` that left $PWD behind) is no news and gets none; another project's file taking an app over is said, once.
 */
export function originWarning(name: string, existing: AppSpec, incoming: AppOrigin): string | undefined {
  if (incoming.configFile === undefined) return undefined;
  const now = `${incoming.configFile} now defines it`;
  const sameScript =
    basename(resolve(existing.cwd, existing.script)) === basename(resolve(incoming.cwd, incoming.script));
  if (existing.configFile !== undefined) {
    if (existing.configFile === incoming.configFile) return undefined;
    if (sameScript && basename(existing.configFile) === basename(incoming.configFile)) return undefined;
    return takenOverWarning(name, existing.configFile, incoming.configFile);
  }
  if (sameScript) return undefined;
  return `app ${JSON.stringify(name)} ran ${resolve(existing.cwd, existing.script)} in ${existing.cwd}; ${now}`;
}

/** originWarning's words for an app that came from another config file, `from`, and that `to` now defines. */
export function takenOverWarning(name: string, from: string, to: string): string {
  return `app ${JSON.stringify(name)} came from ${from}; ${to} now defines it`;
}

/**
 * The app name and old file of a takenOverWarning that `to` now defines, read back (the CLI sums up a file's many
 * take-overs: cli/taken-over.ts), or undefined for any other warning. By its known end, `to`, as a path may hold `; `.
 */
export function readTakenOver(warning: string, to: string): { name: string; from: string } | undefined {
  const end = `; ${to} now defines it`;
  const match = /^app ("(?:[^"\\]|\\.)*") came from /.exec(warning);
  if (match === null || !warning.endsWith(end)) return undefined;
  const from = warning.slice(match[0].length, -end.length);
  if (from === '') return undefined;
  return { name: JSON.parse(match[1]!) as string, from };
}

/**
 * The warning a config file's reload of an app deserves when the file names another script or folder than the app
 * runs (`cd releases/2 && hive startOrReload ecosystem.config.js` of an app started from releases/1), or undefined. A
 * reload keeps the primary, which runs the script and folder it started with, as PM2's reload does: without a word,
 * the deploy would seem done while the old release serves on.
 */
export function keptScriptWarning(name: string, existing: AppSpec, incoming: AppOrigin): string | undefined {
  if (incoming.configFile === undefined) return undefined;
  const runs = resolve(existing.cwd, existing.script);
  const named = resolve(incoming.cwd, incoming.script);
  if (runs === named && existing.cwd === incoming.cwd) return undefined;
  return (
    `app ${JSON.stringify(name)} reloads with the script it started with, ${runs} in ${existing.cwd} (a reload ` +
    `keeps it, as PM2's does); ${incoming.configFile} names ${named} in ${incoming.cwd}: ` +
    `\`hive startOrRestart ${incoming.configFile}\` runs that`
  );
}

/**
 * The warning a config file's reload of an app deserves when the file gives it other `hive run` options than it runs
 * with (`instances`, `min_uptime`...), naming each, or undefined. Those in `applied` (a cluster app's `args` and
 * `node_args`, which its primary forks the replacements with, `max_memory_restart`, which it guards them with, and
 * `kill_timeout` and `listen_timeout`, which it runs the reload under: reload-command.ts) are not named. The primary keeps the others until a restart: dropped without a
 * word, a deploy that changed one would seem done. A changed instance count is `hive scale`'s.
 */
export function keptOptionsWarning(
  name: string,
  existing: AppSpec,
  incoming: AppOrigin,
  applied: ReadonlySet<string> = new Set(),
): string | undefined {
  if (incoming.configFile === undefined || incoming.runArgs === undefined) return undefined;
  const options = changedOptions(existing.runArgs, incoming.runArgs).filter((option) => !applied.has(option));
  if (options.length === 0) return undefined;
  const changed = options.map((option) => optionName(incoming, option));
  const { configFile } = incoming;
  const instances = options.includes('instances')
    ? ` (\`hive scale ${name} <n>\` changes ${optionName(incoming, 'instances')} without a restart)`
    : '';
  return (
    `app ${JSON.stringify(name)} reloads with the options it started with (its primary keeps them until a ` +
    `restart); ${configFile} changes ${changed.join(', ')}: \`hive restart ${configFile}\` or ` +
    `\`hive startOrRestart ${configFile}\` applies ${changed.length === 1 ? 'it' : 'them'}${instances}`
  );
}

/**
 * The warning of a reload whose primary (of an older Hive, since `hive update`) answered without applying the
 * file's new `args`, `node_args`, `max_memory_restart`, `kill_timeout` or `listen_timeout` it was sent (see
 * reload-command.ts): it forked the replacements with the old arguments, and runs them under the old limit and timeouts.
 */
export function notAppliedWarning(name: string, incoming: AppOrigin, options: readonly string[]): string {
  const changed = options.map((option) => optionName(incoming, option));
  return (
    `app ${JSON.stringify(name)} reloaded with the ${changed.join(', ')} it started with: its primary, of an older ` +
    `Hive, keeps ${changed.length === 1 ? 'it' : 'them'} until a restart; \`hive restart ${incoming.configFile}\` ` +
    "applies the file's"
  );
}

// An option as the file spells its key (`node_args`), else as the flag (`--node-args`).
function optionName(incoming: AppOrigin, option: string): string {
  return incoming.optionNames?.[option] ?? (option === SCRIPT_ARGS ? option : `--${option}`);
}

/** The name of the script's own arguments (those after `--`) among the options: the config key that sets them. */
const SCRIPT_ARGS = 'args';

/**
 * The options two runArgs differ in: each flag (by name) of another value, or in one only, then the script's own
 * arguments. By name, not position: `hive scale` rewrites `--instances=` at the end of them.
 */
function changedOptions(running: readonly string[], named: readonly string[]): string[] {
  const before = flagValues(running);
  const after = flagValues(named);
  const changed = [...new Set([...after.keys(), ...before.keys()])].filter(
    (flag) => before.get(flag) !== after.get(flag),
  );
  const scriptArgs = (runArgs: readonly string[]) => JSON.stringify(runArgs.slice(ownRunArgs(runArgs).length + 1));
  if (scriptArgs(running) !== scriptArgs(named)) changed.push(SCRIPT_ARGS);
  return changed;
}

/**
 * Each `--<flag>[=<value>]` of runArgs' own by name, the last one winning as when `hive run` parses them; the script,
 * the one positional, is keptScriptWarning's.
 */
function flagValues(runArgs: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (const arg of ownRunArgsJoined(runArgs)) {
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq === -1) flags.set(arg.slice(2), '');
    else flags.set(arg.slice(2, eq), arg.slice(eq + 1));
  }
  return flags;
}
