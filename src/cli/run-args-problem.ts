import { parseInstances } from '../cluster/instances.js';
import { fillOptions } from '../cluster/options.js';
import { parseSize } from '../cluster/units.js';
import { forkReadyOptions } from '../daemon/fork-ready-options.js';
import { forkRestartPolicy } from '../daemon/fork-restart-policy.js';
import type { AppSpec } from '../daemon/protocol.js';
import { runArgFlag } from '../daemon/run-arg-flag.js';
import { InvalidArgumentError } from '../errors.js';
import { parseRunArgs } from './run-args.js';

/**
 * Reads an app's arguments here as its primary will, and returns the argument error its start would fail with (or
 * undefined). A cluster app's are its `hive run` arguments, read by `hive run`'s own parser; a fork-mode app's are what
 * the fork primary reads: its instance count, its restart policy and `--max-memory-restart`. Only argument errors
 * count: what only a running app can tell (a missing script, a port in use) stays the daemon's to report. Used by
 * `hive start` (before the daemon is asked) and `hive update` (before the old daemon is stopped), so that the two never
 * hold rules of their own.
 */
export function runArgsProblem(spec: AppSpec): InvalidArgumentError | undefined {
  try {
    if (!spec.fork) fillOptions({ ...parseRunArgs(spec.runArgs, {}).supervisor, cwd: spec.cwd });
    else {
      // Read, not resolved: what `max` comes to is the daemon's to say (the cores of its cgroup, not this one's).
      parseInstances(spec.instances);
      // Read from the run arguments as the daemon reads them for the fork primary (maxMemoryRestartOf), so that a
      // config's number that does not survive as text (1e21 becomes "1e+21") is caught here too.
      const size = runArgFlag(spec.runArgs, 'max-memory-restart');
      if (size !== undefined) parseSize(size, 'maxMemoryRestart');
      forkRestartPolicy(spec.runArgs);
      forkReadyOptions(spec.runArgs);
    }
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
  }
  return undefined;
}
