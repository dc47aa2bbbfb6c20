import type { Pool } from '../pool/index.js';
import { ENV } from './protocol.js';

// Apart from shared-pool.ts so that the preloaded runtime (the metrics reporter reads this) never loads the pool's
// modules into an app that does not use a pool: they are a good part of an app process's start-up.

interface PoolRegistry {
  /** The shared pools by their task module's URL. */
  pools: Map<string, Pool>;
  /** Shared pools still sized by the rule ('auto'), which follow the cluster's size. */
  autoSized: Set<Pool>;
  /** The HIVE_CLUSTER_SIZE the pools were last sized for. */
  clusterSize: string | undefined;
  /**
   * The options each shared pool was created with, and the shared pools the app closed or destroyed (the next pool()
   * call for their module makes a new one). Here, not in shared-pool.ts, so that every copy of hive in the process
   * agrees: a copy that did not create a pool must still know its options and that the app closed it. Optional: a
   * registry made by a copy from before these were added lacks them until one is asked for.
   */
  createdWith?: WeakMap<Pool, object>;
  closedByApp?: WeakSet<Pool>;
}

// Process-wide, as runtimeState() is: the preloaded runtime (which gets the primary's cluster-size messages and
// reports the metrics) and an app's own node_modules copy of hive (which creates the pools) must see the same pools.
const kRegistry = Symbol.for('hive.runtime.pools');

function registry(): PoolRegistry {
  const holder = globalThis as { [kRegistry]?: PoolRegistry };
  holder[kRegistry] ??= { pools: new Map(), autoSized: new Set(), clusterSize: process.env[ENV.clusterSize] };
  return holder[kRegistry];
}

/** The process's shared pools, keyed by their task module's URL (for the metrics report). */
export function sharedPools(): IterableIterator<[string, Pool]> {
  return registry().pools.entries();
}

/** The shared pools by key, for shared-pool.ts to create, find and forget them. */
export function poolRegistry(): Map<string, Pool> {
  return registry().pools;
}

/** The options shared pools were created with, process-wide (see PoolRegistry). */
export function poolOptionsRegistry(): WeakMap<Pool, object> {
  const state = registry();
  state.createdWith ??= new WeakMap();
  return state.createdWith;
}

/** The shared pools the app closed or destroyed itself, process-wide (see PoolRegistry). */
export function closedPoolsRegistry(): WeakSet<Pool> {
  const state = registry();
  state.closedByApp ??= new WeakSet();
  return state.closedByApp;
}

/**
 * Records a shared pool whose maxThreads is 'auto': it follows the cluster's size until it closes or is given a
 * number by `resize(n)` (the app's choice then wins over a scale), and again after a `resize('auto')`.
 */
export function followClusterSize(pool: Pool): () => void {
  const { autoSized } = registry();
  autoSized.add(pool);
  const resize = pool.resize;
  pool.resize = function (this: Pool, maxThreads: number | 'auto'): void {
    resize.call(this, maxThreads);
    if (maxThreads === 'auto') autoSized.add(pool);
    else autoSized.delete(pool);
  };
  return () => autoSized.delete(pool);
}

/**
 * HIVE_CLUSTER_SIZE may have changed (the primary resends it when a process gets ready, and on a scale): if it did, the
 * 'auto' shared pools apply the sizing rule again, so that processes x threads still fit the cores. `HIVE_POOL_THREADS`
 * (an app's `threads`) still wins in the rule.
 */
export function resizeSharedPools(): void {
  const state = registry();
  const size = process.env[ENV.clusterSize];
  if (size === state.clusterSize) return;
  state.clusterSize = size;
  for (const pool of state.autoSized) {
    try {
      pool.resize('auto');
    } catch (error) {
      // An explicit minThreads above the new size keeps its pool at minThreads (the rule raises to it): nothing throws
      // today, but a scale must never take the app down.
      console.error(`hive: resizing the shared pool of ${pool.options.filename}: ${(error as Error).message}`);
    }
  }
}
