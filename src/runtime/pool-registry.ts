import type { Pool } from '../pool/index.js';

// Apart from shared-pool.ts so that the preloaded runtime (the metrics reporter reads this) never loads the pool's
// modules into an app that does not use a pool: they are a good part of an app process's start-up.
const pools = new Map<string, Pool>();

/** The process's shared pools, keyed by their task module's URL (for the metrics report). */
export function sharedPools(): IterableIterator<[string, Pool]> {
  return pools.entries();
}

/** The shared pools by key, for shared-pool.ts to create, find and forget them. */
export const poolRegistry: Map<string, Pool> = pools;

// Shared pools sized by the rule ('auto'), which follow the cluster's size; one with an explicit maxThreads keeps it.
const autoSized = new Set<Pool>();

/** Records a shared pool whose maxThreads is 'auto' (until it closes). */
export function followClusterSize(pool: Pool): () => void {
  autoSized.add(pool);
  return () => autoSized.delete(pool);
}

/**
 * The cluster was scaled (HIVE_CLUSTER_SIZE is updated): the 'auto' shared pools apply the sizing rule again, so that
 * processes x threads still fit the cores. `HIVE_POOL_THREADS` (an app's `threads`) still wins in the rule.
 */
export function resizeSharedPools(): void {
  for (const pool of autoSized) {
    try {
      pool.resize('auto');
    } catch (error) {
      // An explicit minThreads above the new size keeps its pool at minThreads (the rule raises to it): nothing throws
      // today, but a scale must never take the app down.
      console.error(`hive: resizing the shared pool of ${pool.options.filename}: ${(error as Error).message}`);
    }
  }
}
