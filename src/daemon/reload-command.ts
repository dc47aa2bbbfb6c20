import { splitArgs } from '../config/split-args.js';
import { ownRunArgs, runArgFlag } from './run-arg-flag.js';

/**
 * The options of a config file's reload that a cluster app's primary applies to the replacements (PM2's reload applies
 * `args` and `node_args` too), by their names in keptOptionsWarning's terms: `args`, the script's own arguments, and
 * the `--node-args` flag. The others (`instances`: `hive scale`; the rest: a restart) are still warned of.
 */
export const RELOAD_APPLIED_OPTIONS: ReadonlySet<string> = new Set(['args', 'node-args']);

/** What a config file's reload changes of the arguments the app's processes are forked with. */
export interface ReloadCommand {
  /**
   * The app's runArgs with the file's script arguments and `--node-args` in place of its own, its other flags kept
   * (the primary keeps them): what the spec holds once the reload took, so a respawn, save and resurrect use them.
   */
  runArgs: string[];
  /** The script's new arguments, when they changed. */
  args?: string[];
  /** Node.js's new arguments (split as `hive run` splits `--node-args`), when they changed. */
  nodeArgs?: string[];
}

/** The change a reload from runArgs `named` (the file's now) makes to an app running `running`; undefined: none. */
export function reloadCommand(running: readonly string[], named: readonly string[]): ReloadCommand | undefined {
  const before = scriptArgs(running);
  const after = scriptArgs(named);
  const nodeBefore = runArgFlag(running, 'node-args');
  const nodeAfter = runArgFlag(named, 'node-args');
  const argsChanged = JSON.stringify(before) !== JSON.stringify(after);
  const nodeChanged = nodeBefore !== nodeAfter;
  if (!argsChanged && !nodeChanged) return undefined;
  const own = ownRunArgs(running).filter((arg) => !arg.startsWith('--node-args='));
  const runArgs = [...own, ...(nodeAfter !== undefined ? [`--node-args=${nodeAfter}`] : []), '--', ...after];
  return {
    runArgs,
    ...(argsChanged ? { args: after } : {}),
    ...(nodeChanged ? { nodeArgs: nodeAfter === undefined ? [] : splitArgs(nodeAfter).args } : {}),
  };
}

// The script's own arguments: those after `--`.
function scriptArgs(runArgs: readonly string[]): string[] {
  return runArgs.slice(ownRunArgs(runArgs).length + 1);
}
