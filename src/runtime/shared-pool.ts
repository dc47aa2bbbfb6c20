import { pathToFileURL } from 'node:url';
import { Pool, type PoolOptions } from '../pool/index.js';
import { followClusterSize, poolRegistry as pools } from './pool-registry.js';
import { timePoolRuns } from './request-context.js';
import type { RuntimeState } from './state.js';

/**
 * The process's shared pool for one task module: created on first use with `maxThreads: 'auto'` (the cgroup-aware
 * core count divided by the cluster size, so processes x threads fit the cores), resized when the cluster is scaled
 * (unless the app gave maxThreads), reused after, and closed when the process is retired, after the app's onShutdown
 * hooks.
 */
export function sharedPool(
  state: RuntimeState,
  filename: string | URL,
  options: Omit<PoolOptions, 'filename'> = {},
): Pool {
  const key =
    filename instanceof URL ? filename.href : filename.startsWith('file:') ? filename : pathToFileURL(filename).href;
  let pool = pools.get(key);
  if (pool === undefined) {
    pool = new Pool({ maxThreads: 'auto', ...options, filename });
    pools.set(key, pool);
    timePoolRuns(pool);
    const created = pool;
    const auto = options.maxThreads === undefined || options.maxThreads === 'auto';
    const unfollow = auto ? followClusterSize(pool) : () => {};
    state.closers.push(() => {
      pools.delete(key);
      unfollow();
      return created.close();
    });
  }
  return pool;
}
