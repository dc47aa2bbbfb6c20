import { pathToFileURL } from 'node:url';
import { Pool, type PoolOptions } from '../pool/index.js';
import { checkSameOptions } from './pool-options-check.js';
import { followClusterSize, poolRegistry } from './pool-registry.js';
import { timePoolRuns } from './request-context.js';
import type { RuntimeState } from './state.js';

const createdWith = new WeakMap<Pool, Omit<PoolOptions, 'filename'>>();

/**
 * The process's shared pool for one task module: created on first use with `maxThreads: 'auto'` (the cgroup-aware
 * core count divided by the cluster size, so processes x threads fit the cores), resized when the cluster is scaled
 * (unless the app gave maxThreads, or a number to `resize()` since), reused after, and closed when the process is retired, after the app's onShutdown
 * hooks.
 */
export function sharedPool(
  state: RuntimeState,
  filename: string | URL,
  given: Omit<PoolOptions, 'filename'> | undefined,
): Pool {
  const key =
    filename instanceof URL ? filename.href : filename.startsWith('file:') ? filename : pathToFileURL(filename).href;
  const pools = poolRegistry();
  let pool = pools.get(key);
  if (pool !== undefined) {
    checkSameOptions(key, createdWith.get(pool) ?? {}, given);
    return pool;
  }
  const options = { ...given, maxThreads: given?.maxThreads ?? 'auto' };
  pool = new Pool({ ...options, filename });
  pools.set(key, pool);
  // A copy: the caller's object may change after, and later calls are compared with what the pool was made from.
  createdWith.set(pool, options);
  timePoolRuns(pool);
  const created = pool;
  const unfollow = options.maxThreads === 'auto' ? followClusterSize(pool) : () => {};
  state.closers.push(() => {
    pools.delete(key);
    unfollow();
    return created.close();
  });
  return pool;
}
