import { pathToFileURL } from 'node:url';
import { messageHeadline } from '../crash-summary.js';
import { Pool, type PoolOptions } from '../pool/index.js';
import { checkSameOptions } from './pool-options-check.js';
import { closedPoolsRegistry, followClusterSize, poolOptionsRegistry, poolRegistry } from './pool-registry.js';
import { timePoolRuns } from './request-context.js';
import type { RuntimeState } from './state.js';

type SharedOptions = Omit<PoolOptions, 'filename'>;

/**
 * The process's shared pool for one task module: created on first use with `maxThreads: 'auto'` (the cgroup-aware
 * core count divided by the cluster size, so processes x threads fit the cores), resized when the cluster is scaled
 * (unless the app gave maxThreads, or a number to `resize()` since), reused after, and closed when the process is
 * retired, after the app's onShutdown hooks. One the app closed or destroyed itself is replaced on the next call, with
 * the options it was created with, through whichever copy of hive the call comes (what the app closed is known
 * process-wide: pool-registry.ts).
 */
export function sharedPool(
  state: RuntimeState,
  filename: string | URL,
  given: Omit<PoolOptions, 'filename'> | undefined,
): Pool {
  const key = poolKey(filename);
  const pools = poolRegistry();
  // Process-wide, as the pools are: an app's own copy of hive must know what the preloaded one made, and back.
  const createdWith = poolOptionsRegistry() as WeakMap<Pool, SharedOptions>;
  const closedByApp = closedPoolsRegistry();
  let pool = pools.get(key);
  let before: SharedOptions | undefined;
  if (pool !== undefined) {
    checkSameOptions(key, createdWith.get(pool) ?? {}, given);
    if (!closedByApp.has(pool)) return pool;
    // Closed by the app (close(), destroy(), `await using`): it would refuse every run() for the rest of the process.
    // A new one takes its place, with the options the first call gave.
    before = createdWith.get(pool);
  }
  const options = { ...before, ...given, maxThreads: given?.maxThreads ?? before?.maxThreads ?? 'auto' };
  pool = new Pool({ ...options, filename });
  pools.set(key, pool);
  // A copy: the caller's object may change after, and later calls are compared with what the pool was made from.
  createdWith.set(pool, options);
  timePoolRuns(pool);
  logErrors(pool);
  const created = pool;
  const unfollow = options.maxThreads === 'auto' ? followClusterSize(pool) : () => {};
  for (const method of ['close', 'destroy'] as const) {
    const stop = created[method] as (this: Pool, ...args: unknown[]) => Promise<void>;
    created[method] = function (this: Pool, ...args: unknown[]): Promise<void> {
      closedByApp.add(created);
      unfollow();
      return stop.apply(this, args);
    };
  }
  state.closers.push(() => {
    // Only its own entry: one the app closed may have been replaced by then.
    if (pools.get(key) === created) pools.delete(key);
    unfollow();
    return created.close();
  });
  return pool;
}

/**
 * The one key of a task module however it is written: a path (relative to the cwd), a URL, or a URL's string, which
 * `new URL()` normalizes (`file:///app/./task.js` is `file:///app/task.js`), or one module would get two pools, each
 * sized to the process's whole share of the cores. A string that is no URL is kept for the Pool to refuse.
 */
function poolKey(filename: string | URL): string {
  if (filename instanceof URL) return filename.href;
  if (!filename.startsWith('file:')) return pathToFileURL(filename).href;
  try {
    return new URL(filename).href;
  } catch {
    return filename;
  }
}

/**
 * A shared pool's `error` events (a thread that died while idle, a task module that failed to load: failures no task
 * carries) as one line each on stderr, which the primary prefixes with the instance: without a listener the pool
 * drops them, and the instance's log would say nothing. A listener of the app's own gets them too.
 */
function logErrors(pool: Pool): void {
  pool.on('error', (error: Error & { code?: unknown }) => {
    const what = typeof error.code === 'string' ? error.code : error.name;
    const message = messageHeadline(String(error.message));
    console.error(`hive: the shared pool of ${pool.options.filename}: ${what}: ${message}`);
  });
}
