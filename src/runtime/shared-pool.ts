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
  logErrors(pool);
  const created = pool;
  const unfollow = options.maxThreads === 'auto' ? followClusterSize(pool) : () => {};
  state.closers.push(() => {
    pools.delete(key);
    unfollow();
    return created.close();
  });
  return pool;
}

/**
 * A shared pool's `error` events (a thread that died while idle, a task module that failed to load: failures no task
 * carries) as one line each on stderr, which the primary prefixes with the instance: without a listener the pool
 * drops them, and the instance's log would say nothing. A listener of the app's own gets them too.
 */
function logErrors(pool: Pool): void {
  pool.on('error', (error: Error & { code?: unknown }) => {
    const what = typeof error.code === 'string' ? error.code : error.name;
    const message = String(error.message).split('\n', 1)[0];
    console.error(`hive: the shared pool of ${pool.options.filename}: ${what}: ${message}`);
  });
}
