import { describeValue, InvalidArgumentError } from '../errors.js';
import { availableCores } from './available-cores.js';

/** Env var the Hive primary sets in each app process: how many processes share this machine's cores. */
export const CLUSTER_SIZE_ENV = 'HIVE_CLUSTER_SIZE';
/** Env var set from an app's `threads` config: the thread count of 'auto' pools in that app, as given. */
export const POOL_THREADS_ENV = 'HIVE_POOL_THREADS';

/**
 * `maxThreads: 'auto'`: the cores this process may use, divided by the number of processes of its Hive cluster,
 * at least 1. Processes x threads then fit the cores: more threads than cores only adds context switches to
 * CPU-bound work, and every process of a cluster runs its own pool. `HIVE_POOL_THREADS` (an app's `threads` setting)
 * overrides the rule. Either variable set to anything but a positive integer (`0`, `abc`; empty counts as unset) is an
 * InvalidArgumentError naming it: read as unset, it would size the pool by another rule than the one asked for.
 */
export function autoThreadCount(env: NodeJS.ProcessEnv = process.env, cores = availableCores()): number {
  const threads = positiveEnv(env, POOL_THREADS_ENV);
  if (threads !== undefined) return threads;
  const processes = positiveEnv(env, CLUSTER_SIZE_ENV) ?? 1;
  return Math.max(1, Math.floor(cores / processes));
}

function positiveEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\s*[1-9]\d*\s*$/.test(value)) {
    throw new InvalidArgumentError(
      `Expected ${name} to be a positive integer (it sizes pools with maxThreads 'auto'), got ${describeValue(value)}`,
    );
  }
  return Number(value);
}

/**
 * Refuses a bad `HIVE_POOL_THREADS` before the app runs (`hive run`, `hive start`): the app's first pool() would throw,
 * a crash loop rather than a refused command. `source` says where the value came from (`-e`, the shell...).
 */
export function checkPoolThreadsEnv(value: string | undefined, source: string): void {
  try {
    positiveEnv({ [POOL_THREADS_ENV]: value }, POOL_THREADS_ENV);
  } catch {
    throw new InvalidArgumentError(
      `Expected ${POOL_THREADS_ENV} (${source}) to be a positive integer, as --threads, got ${describeValue(value)}`,
    );
  }
}
