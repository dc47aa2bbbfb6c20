import { availableCores } from './available-cores.js';

/** Env var the Hive primary sets in each app process: how many processes share this machine's cores. */
export const CLUSTER_SIZE_ENV = 'HIVE_CLUSTER_SIZE';
/** Env var set from an app's `threads` config: the thread count of 'auto' pools in that app, as given. */
export const POOL_THREADS_ENV = 'HIVE_POOL_THREADS';

/**
 * `maxThreads: 'auto'`: the cores this process may use, divided by the number of processes of its Hive cluster,
 * at least 1. Processes x threads then fit the cores: more threads than cores only adds context switches to
 * CPU-bound work, and every process of a cluster runs its own pool. `HIVE_POOL_THREADS` (an app's `threads` setting)
 * overrides the rule.
 */
export function autoThreadCount(env: NodeJS.ProcessEnv = process.env, cores = availableCores()): number {
  const threads = Number.parseInt(env[POOL_THREADS_ENV] ?? '', 10);
  if (Number.isInteger(threads) && threads > 0) return threads;
  const clusterSize = Number.parseInt(env[CLUSTER_SIZE_ENV] ?? '', 10);
  const processes = Number.isInteger(clusterSize) && clusterSize > 0 ? clusterSize : 1;
  return Math.max(1, Math.floor(cores / processes));
}
