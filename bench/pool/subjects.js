// One adapter per pool under test, all with the same shape, so that scenarios never branch on the subject.
// Each adapter uses its library's documented current API with default settings, except the thread count, which is
// pinned (min = max = threads) so that every subject runs on the same number of threads from the start.
import { fileURLToPath } from 'node:url';

const fixture = (name) => new URL(`../fixtures/${name}`, import.meta.url);
const TASKS = fixture('pool-tasks.mjs');

/** Subjects in table order: Hive first, then the peers. */
export const SUBJECTS = ['hive', 'piscina', 'tinypool', 'workerpool'];

/**
 * @typedef {object} PoolSubject
 * @property {(input: unknown) => Promise<unknown>} echo tiny task: returns its input
 * @property {(n: number) => Promise<number>} fib CPU-bound task
 * @property {(n: number) => Promise<[number, number]>} timedFib fib(n) and its run time inside the thread (ms)
 * @property {(ms: number) => Promise<number>} hold blocks a thread for ms
 * @property {(buffer: ArrayBuffer) => Promise<ArrayBuffer>} roundtrip transfers buffer in, gets it back by transfer
 * @property {() => number} threads how many threads the pool has running now
 * @property {() => Promise<void>} close stops the threads
 */

/**
 * Why a subject cannot run here (its library failed to load), or undefined when it can. Hive is loaded through the
 * package self-reference `hive/pool`, i.e. from dist/: not built yet means skipped, with the reason.
 * @param {string} name
 * @returns {Promise<string | undefined>}
 */
export async function unavailable(name) {
  try {
    await load(name);
    return undefined;
  } catch (error) {
    if (name === 'hive' && error?.code === 'ERR_MODULE_NOT_FOUND') {
      return 'hive/pool is not built (no dist/pool): run `npx tsc -p tsconfig.json` first';
    }
    return `${name} failed to load: ${error?.message ?? error}`;
  }
}

/** @param {string} name */
function load(name) {
  switch (name) {
    case 'hive':
      return import('hive/pool');
    case 'piscina':
      return import('piscina');
    case 'tinypool':
      return import('tinypool');
    case 'workerpool':
      return import('workerpool');
    default:
      throw new TypeError(`Unknown subject ${JSON.stringify(name)}; expected one of ${SUBJECTS.join(', ')}`);
  }
}

/**
 * Starts a pool of `threads` threads for `name`. With `transfer`, the pool loads the subject's transfer task file and
 * only `roundtrip` is available; otherwise it loads the shared task file (echo, fib, timedFib, hold).
 * @param {string} name
 * @param {{ threads: number, transfer?: boolean }} options
 * @returns {Promise<PoolSubject>}
 */
export async function openSubject(name, { threads, transfer = false }) {
  const lib = await load(name);
  const file = transfer ? fixture(`pool-transfer-${name}.mjs`) : TASKS;
  switch (name) {
    case 'hive':
      return openHive(lib, file, threads);
    case 'piscina':
      return openPiscinaLike(lib.Piscina, file, threads);
    case 'tinypool':
      return openPiscinaLike(lib.Tinypool, file, threads);
    default:
      return openWorkerpool(lib.default ?? lib, threads);
  }
}

// Hive: pool.run(input, { name, transfer }); a task returns move(value, transferList) to transfer back.
function openHive({ Pool }, file, threads) {
  const pool = new Pool({ filename: file, minThreads: threads, maxThreads: threads });
  return {
    echo: (input) => pool.run(input),
    fib: (n) => pool.run(n, { name: 'fib' }),
    timedFib: (n) => pool.run(n, { name: 'timedFib' }),
    hold: (ms) => pool.run(ms, { name: 'hold' }),
    roundtrip: (buffer) => pool.run(buffer, { transfer: [buffer] }),
    threads: () => pool.stats.threads,
    close: () => pool.destroy(),
  };
}

// piscina and tinypool (a piscina fork with the same API): run(input, { name, transferList }); Piscina.move(value) or
// Tinypool.move(value) in the task transfers back.
function openPiscinaLike(PoolClass, file, threads) {
  const pool = new PoolClass({ filename: file.href, minThreads: threads, maxThreads: threads });
  return {
    echo: (input) => pool.run(input),
    fib: (n) => pool.run(n, { name: 'fib' }),
    timedFib: (n) => pool.run(n, { name: 'timedFib' }),
    hold: (ms) => pool.run(ms, { name: 'hold' }),
    roundtrip: (buffer) => pool.run(buffer, { transferList: [buffer] }),
    threads: () => pool.threads.length,
    close: () => pool.destroy(),
  };
}

// workerpool: exec(method, params, { transfer }); the worker returns new workerpool.Transfer(value, list).
// workerType 'thread' is what 'auto' picks on Node; pinned because workerpool's README advises a fixed type for buffers.
function openWorkerpool(workerpool, threads) {
  const pool = workerpool.pool(fileURLToPath(fixture('pool-workerpool.cjs')), {
    minWorkers: threads,
    maxWorkers: threads,
    workerType: 'thread',
  });
  return {
    echo: (input) => pool.exec('echo', [input]),
    fib: (n) => pool.exec('fib', [n]),
    timedFib: (n) => pool.exec('timedFib', [n]),
    hold: (ms) => pool.exec('hold', [ms]),
    roundtrip: (buffer) => pool.exec('roundtrip', [buffer], { transfer: [buffer] }),
    threads: () => pool.stats().totalWorkers,
    close: () => pool.terminate(true),
  };
}
