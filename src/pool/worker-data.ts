// What a task module can ask of the pool it runs in, as piscina's `isWorkerThread` and `workerData` exports.

// On globalThis under a global symbol, so that a task module importing another copy of hive/pool than the one running
// the worker (a second install) sees it too.
const kWorker = Symbol.for('hive.pool.worker');
const state = globalThis as { [kWorker]?: { workerData: unknown } };

/** True inside a pool's worker (a thread, or a child process under `isolation: 'process'`). */
export let isWorkerThread = state[kWorker] !== undefined;

/**
 * Inside a pool's worker, the pool's `workerData` option (a clone per worker; SharedArrayBuffers shared between
 * threads); undefined elsewhere. Threads also find it as node:worker_threads' `workerData`.
 */
export let workerData: unknown = state[kWorker]?.workerData;

/** Called by a worker's entry before it loads the task module. */
export function enterPoolWorker(data: unknown): void {
  state[kWorker] = { workerData: data };
  isWorkerThread = true;
  workerData = data;
}
