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
