import { splitArgs } from '../config/split-args.js';
import { ownRunArgs, runArgFlag } from './run-arg-flag.js';

/**
 * The fields of a reload request that carry a config file's changed options, as the primary names them applied (PM2's
 * reload applies `args`, `node_args`, `max_memory_restart`, `kill_timeout` and `listen_timeout` too): the script's own
 * arguments, and the `--node-args`, `--max-memory-restart`, `--kill-timeout` and `--listen-timeout` flags. The others
 * (`instances`: `hive scale`; the rest: a restart) are still warned of.
 */
export type ReloadCommandKey = 'args' | 'nodeArgs' | 'maxMemoryRestart' | 'killTimeout' | 'listenTimeout';

/** The request fields, in the order the daemon sends them. */
export const RELOAD_COMMAND_KEYS: readonly ReloadCommandKey[] = [
  'args',
  'nodeArgs',
  'maxMemoryRestart',
  'killTimeout',
  'listenTimeout',
];

/**
 * The fields a fork-mode primary applies only when it knows where the script's and node's arguments are in its
 * program's (fork-argv.ts); its reload keeps warning of them otherwise (keptOptionsWarning).
 */
export const ARGUMENT_KEYS: readonly ReloadCommandKey[] = ['args', 'nodeArgs'];

/** Each request field's option, as keptOptionsWarning and notAppliedWarning name it. */
export const RELOAD_COMMAND_OPTIONS: Readonly<Record<ReloadCommandKey, string>> = {
  args: 'args',
  nodeArgs: 'node-args',
  maxMemoryRestart: 'max-memory-restart',
  killTimeout: 'kill-timeout',
  listenTimeout: 'listen-timeout',
};

// The fields carried as a flag's value, as the file gives it (`300M`, `4s`; null: the file has none now).
const VALUE_KEYS = ['maxMemoryRestart', 'killTimeout', 'listenTimeout'] as const;
// Every field carried as a flag.
const FLAG_KEYS = ['nodeArgs', ...VALUE_KEYS] as const;

/** What a config file's reload changes of the arguments the app's processes are forked with, and of its memory limit. */
export interface ReloadCommand {
  /**
   * The app's runArgs with the file's script arguments, `--node-args` and `--max-memory-restart` in place of its own,
   * its other flags kept (the primary keeps them): what the spec holds once the reload took, so a respawn, save and
   * resurrect use them.
   */
  runArgs: string[];
  /** The script's new arguments, when they changed. */
  args?: string[];
  /** Node.js's new arguments (split as `hive run` splits `--node-args`), when they changed. */
  nodeArgs?: string[];
  /** The new memory limit as the file gives it (`300M`), when it changed; null: the file has none now. */
  maxMemoryRestart?: string | null;
  /** The new `--kill-timeout` as the file gives it (`4000`, `4s`), when it changed; null: none now (the default). */
  killTimeout?: string | null;
  /** The new `--listen-timeout`, as killTimeout. */
  listenTimeout?: string | null;
}

/**
 * The change a reload from runArgs `named` (the file's now) makes to an app running `running`, of the fields `keys` (the
 * ones its primary applies); undefined: none.
 */
export function reloadCommand(
  running: readonly string[],
  named: readonly string[],
  keys: readonly ReloadCommandKey[] = RELOAD_COMMAND_KEYS,
): ReloadCommand | undefined {
  const changed = changedKeys(running, named).filter((key) => keys.includes(key));
  if (changed.length === 0) return undefined;
  const nodeArgs = runArgFlag(named, 'node-args');
  const values = VALUE_KEYS.filter((key) => changed.includes(key)).map((key) => [
    key,
    runArgFlag(named, RELOAD_COMMAND_OPTIONS[key]) ?? null,
  ]);
  return {
    runArgs: appliedRunArgs(running, named, changed),
    ...(changed.includes('args') ? { args: scriptArgs(named) } : {}),
    ...(changed.includes('nodeArgs') ? { nodeArgs: nodeArgs === undefined ? [] : splitArgs(nodeArgs).args } : {}),
    ...(Object.fromEntries(values) as Pick<ReloadCommand, (typeof VALUE_KEYS)[number]>),
  };
}

/**
 * The app's runArgs once a reload applied the options of `applied` from `named`, its other ones as `running` has them:
 * all of them for a primary of this Hive, fewer for an older one that ignored the newer fields.
 */
export function appliedRunArgs(
  running: readonly string[],
  named: readonly string[],
  applied: readonly ReloadCommandKey[],
): string[] {
  const flags = FLAG_KEYS.map((key) => {
    const flag = RELOAD_COMMAND_OPTIONS[key];
    const value = runArgFlag(applied.includes(key) ? named : running, flag);
    return { prefix: `--${flag}=`, value };
  });
  const own = ownRunArgs(running).filter((arg) => !flags.some(({ prefix }) => arg.startsWith(prefix)));
  const set = flags.flatMap(({ prefix, value }) => (value === undefined ? [] : [`${prefix}${value}`]));
  return [...own, ...set, '--', ...scriptArgs(applied.includes('args') ? named : running)];
}

// The request fields whose option differs between the two runArgs.
function changedKeys(running: readonly string[], named: readonly string[]): ReloadCommandKey[] {
  const keys: ReloadCommandKey[] = [];
  if (JSON.stringify(scriptArgs(running)) !== JSON.stringify(scriptArgs(named))) keys.push('args');
  for (const key of FLAG_KEYS) {
    const flag = RELOAD_COMMAND_OPTIONS[key];
    if (runArgFlag(running, flag) !== runArgFlag(named, flag)) keys.push(key);
  }
  return keys;
}

// The script's own arguments: those after `--`.
function scriptArgs(runArgs: readonly string[]): string[] {
  return runArgs.slice(ownRunArgs(runArgs).length + 1);
}
