import { kListenTimeoutWhy } from '../cluster/options.js';
import { parsePositiveDuration } from '../cluster/units.js';
import type { ForkOptions } from './fork-primary.js';
import { ownRunArgs, runArgFlag } from './run-arg-flag.js';

/**
 * PM2's wait_ready and listen_timeout of a fork-mode app, from its `hive run` arguments as `hive run` reads them.
 * Throws InvalidArgumentError naming a bad value (`hive start` checks before the daemon does), a listen timeout of 0
 * included, as a cluster app's.
 */
export function forkReadyOptions(runArgs: string[]): Pick<ForkOptions, 'waitReady' | 'listenTimeout'> {
  const value = runArgFlag(runArgs, 'listen-timeout');
  const listenTimeout =
    value === undefined ? undefined : parsePositiveDuration(value, 'listenTimeout', kListenTimeoutWhy);
  return {
    waitReady: ownRunArgs(runArgs).includes('--wait-ready'),
    ...(listenTimeout === undefined ? {} : { listenTimeout }),
  };
}
