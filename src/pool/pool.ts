import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { emitApart } from '../emit-apart.js';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { DataCloneError, TaskAbortedError, TaskNotFoundError } from './errors.js';
import { announcePoolStart } from './first-load.js';
import {
  type FilledOptions,
  fillOptions,
  type PoolOptions,
  type RunOptions,
  type SizeOptions,
  threadBounds,
  timeoutOption,
} from './options.js';
import { refusePiscinaProperties } from './piscina-properties.js';
import type { PoolStats } from './pool-stats.js';
import { Scheduler } from './scheduler.js';
import { Task } from './task.js';
import { movedOf, unwrapMovedInput } from './transfer.js';

const runOptionKeys = new Set(['name', 'signal', 'timeout', 'transfer', 'onProgress', 'onTiming']);
/** piscina's run options that Hive spells otherwise or does without, with what to do instead (see docs/pool.md). */
const runOptionHints = new Map([
  ['transferList', " (piscina's name for Hive's `transfer`)"],
  [
    'filename',
    " (piscina's module per task; a Hive pool runs one module: a pool per module, and `name` picks an export)",
  ],
]);

/** Options of `pool.close()`. */
export interface CloseOptions {
  /** Reject the tasks that have not started (ERR_HIVE_POOL_CLOSED) rather than run them; running tasks finish. */
  force?: boolean;
}

// A misspelt key (\`forse\`) would otherwise run every queued task the caller meant to cancel.
function closeForce(options: unknown): boolean {
  // null as absent, as run() takes it (and node's APIs mostly do).
  if (options === undefined || options === null) return false;
  if (typeof options !== 'object') {
    throw new InvalidArgumentError(`Expected close options to be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'force') throw new InvalidArgumentError(`Unknown close option \`${key}\` (known: force)`);
  }
  const { force } = options as { force?: unknown };
  if (force !== undefined && typeof force !== 'boolean') {
    throw new InvalidArgumentError(`Expected the \`force\` option to be a boolean, got ${describeValue(force)}`);
  }
  return force === true;
}

/**
 * The worker a `workerCreate` or `workerDestroy` event is about: its thread id (as `threadId` from
 * node:worker_threads in the task, and `onTiming`'s `worker`), or its process id with `isolation: 'process'`.
 */
export type PoolWorkerInfo = { threadId: number } | { pid: number };

/** Events of a {@link Pool}. */
export interface PoolEvents {
  /**
   * Nothing is queued or running any more. (piscina's `drain` means something else: see {@link PoolEvents.available}.)
   */
  drain: [];
  /**
   * The pool can take a task again after it was found at capacity: {@link Pool.needsDrain} read true, or run() was
   * refused with ERR_HIVE_QUEUE_FULL. Emitted once per such episode, on a microtask; piscina 5 emits `drain` for this.
   */
  available: [];
  /**
   * A worker was started: at construction (emitted on a microtask, so that listeners added after `new Pool()` see
   * it), to serve waiting tasks, or to replace one that ended. It counts in `stats.threads` from then on, before it
   * loaded the task module (piscina emits once it loaded).
   */
  workerCreate: [PoolWorkerInfo];
  /**
   * A worker left the pool: it crashed or exited, was stopped (abort, timeout), retired after `idleTimeout`, failed to
   * load the module, or the pool closed. Emitted once it no longer counts in `stats.threads`; a stopped thread may
   * still be terminating.
   */
  workerDestroy: [PoolWorkerInfo];
  /**
   * A failure no task can carry: a worker died while idle, or the task module failed to load. Emitted only when
   * listened to.
   */
  error: [Error];
}

/**
 * piscina's events that a Hive pool never emits, with what to do instead: a listener for one would wait for ever
 * without a word, so adding it throws (`pool.on()`, `once()`; `events.once(pool, ...)` rejects).
 */
const piscinaEvents = new Map([
  [
    'needsDrain',
    "The pool emits no `needsDrain` event (piscina 5's): read `pool.needsDrain` after run(), and when true wait for the `available` event",
  ],
  [
    'message',
    "The pool emits no `message` event (piscina's, for a task's parentPort.postMessage()): a task reports with `context.progress(value)` to run()'s `onProgress`",
  ],
]);

function refusePiscinaEvent(event: string | symbol): void {
  const message = typeof event === 'string' ? piscinaEvents.get(event) : undefined;
  if (message !== undefined) throw new InvalidArgumentError(message);
}

/**
 * A pool of reused worker threads (or child processes) running the functions of one task module.
 *
 * ```js
 * const pool = new Pool({ filename: new URL('./task.js', import.meta.url) });
 * const result = await pool.run(input, { timeout: 1000 });
 * await pool.close();
 * ```
 */
export class Pool extends EventEmitter<PoolEvents> {
  readonly #options: FilledOptions;
  readonly #scheduler: Scheduler;
  /** The sizing options as given, for resize() to apply its defaults anew. */
  readonly #sizing: SizeOptions;

  constructor(options: PoolOptions) {
    super();
    this.#options = fillOptions(options);
    this.#refusePiscinaEvents();
    this.#sizing = { minThreads: options.minThreads, maxThreads: options.maxThreads, maxQueue: options.maxQueue };
    this.#scheduler = new Scheduler(this.#options, {
      // Synchronously, inside the scheduler: a listener that throws must not cut its bookkeeping short (close() would
      // never resolve, a failed load's tasks never settle), so the throw surfaces as uncaught just after.
      error: (error) => {
        if (this.listenerCount('error') > 0) emitApart(() => this.emit('error', error));
      },
      drain: () => {
        if (this.listenerCount('drain') > 0) emitApart(() => this.emit('drain'));
      },
      available: () => {
        if (this.listenerCount('available') > 0) emitApart(() => this.emit('available'));
      },
      // On a microtask: the constructor's workers start before anyone can listen, and a listener must not run inside
      // the scheduler's bookkeeping (it may call run() or close()). A listener's throw surfaces as uncaught there.
      workerCreate: (id) => queueMicrotask(() => this.emit('workerCreate', this.#workerInfo(id))),
      workerDestroy: (id) => queueMicrotask(() => this.emit('workerDestroy', this.#workerInfo(id))),
    });
    const { firstLoad } = this.#scheduler;
    if (firstLoad !== undefined) announcePoolStart({ filename: this.#options.filename, loaded: firstLoad.promise });
  }

  /** The filled-in options (defaults applied, `'auto'` resolved). */
  get options(): Readonly<FilledOptions> {
    return this.#options;
  }

  /**
   * Runs the task module's default export (or the export named `options.name`) with `input` in a worker.
   * Rejects with a {@link HiveError}: ERR_HIVE_QUEUE_FULL, ERR_HIVE_TASK_TIMEOUT, ERR_HIVE_TASK_ABORTED,
   * ERR_HIVE_THREAD_EXITED, ERR_HIVE_WORKER_OUT_OF_MEMORY, ERR_HIVE_POOL_CLOSED, ERR_HIVE_TASK_NOT_FOUND,
   * ERR_HIVE_DATA_CLONE, ERR_HIVE_TASK_MODULE; or with the error the task threw.
   *
   * `R` is the type of the result, as piscina's `Piscina<T, R>` types it: `await pool.run<Digest>(input)`. It is the
   * caller's word, not checked at run time (the result is whatever the task returned, structured-cloned).
   */
  run<R = unknown>(input: unknown, options?: RunOptions | null): Promise<R> {
    let resolve!: (value: unknown) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<R>((res, rej) => {
      resolve = res as (value: unknown) => void;
      reject = rej;
    });
    let task: Task;
    try {
      task =
        options === undefined && movedOf(input) === undefined
          ? new Task(
              input,
              undefined,
              undefined,
              undefined,
              this.#options.timeout,
              undefined,
              performance.now(),
              resolve,
              reject,
            )
          : this.#task(input, options ?? {}, resolve, reject);
    } catch (error) {
      return Promise.reject(error);
    }
    const refused = this.#refuse(task) ?? this.#scheduler.submit(task);
    return refused === undefined ? promise : Promise.reject(refused);
  }

  /**
   * Whether the pool is at capacity: as many tasks wait for a thread as `maxQueue` allows, so the next `run()` would
   * reject with ERR_HIVE_QUEUE_FULL (piscina 4's meaning: queued tasks at or past `maxQueue` plus the threads still
   * starting). A producer stops submitting, then waits for the `available` event:
   *
   * ```ts
   * for await (const item of source) {
   *   results.push(pool.run(item));
   *   if (pool.needsDrain) await new Promise<void>((resolve) => pool.once('available', resolve));
   * }
   * ```
   *
   * (Not `events.once(pool, 'available')`: it also listens for `error`, which turns the pool's `error` event on, and
   * rejects on a failure the pool recovers from, such as an idle thread that died and was replaced.)
   *
   * Never true with `maxQueue: Infinity`. Computed when read, at no cost to `run()`.
   */
  get needsDrain(): boolean {
    return this.#scheduler.needsDrain();
  }

  /** A snapshot of threads, queue, counters and run/wait time percentiles. */
  get stats(): PoolStats {
    const { threads, busy, queued } = this.#scheduler.counts();
    return {
      threads,
      busy,
      queued,
      completed: this.#scheduler.stats.completed,
      failed: this.#scheduler.stats.failed,
      utilization: this.#scheduler.stats.utilization(this.#options.maxThreads),
      runTime: this.#scheduler.stats.runTime(),
      waitTime: this.#scheduler.stats.waitTime(),
      startRetry: this.#scheduler.startRetryStats(),
    };
  }

  /**
   * Finishes running and queued tasks, then stops the workers. `run()` afterwards rejects with ERR_HIVE_POOL_CLOSED.
   * With `{ force: true }` (as in piscina) the tasks that have not started reject with ERR_HIVE_POOL_CLOSED instead.
   */
  close(options?: CloseOptions | null): Promise<void> {
    let force: boolean;
    try {
      force = closeForce(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#scheduler.close(force);
  }

  /**
   * Changes `maxThreads` while the pool runs: a number, or `'auto'` to apply the sizing rule again (the runtime's
   * shared pool does so when its cluster is scaled, after updating `HIVE_CLUSTER_SIZE`). A default `minThreads` (half)
   * and `maxQueue` follow the new size; an explicit `minThreads` stays, and must not exceed it
   * (ERR_HIVE_INVALID_ARGUMENT). Growing starts threads as tasks need them; shrinking retires idle threads at once,
   * while a busy one finishes its running task (the tasks it had not started go to other threads) and retires then. A
   * no-op once closed.
   */
  resize(maxThreads: number | 'auto'): void {
    if (maxThreads !== 'auto' && typeof maxThreads !== 'number') {
      throw new InvalidArgumentError(
        `Expected resize() to get a number of threads or 'auto', got ${describeValue(maxThreads)}`,
      );
    }
    const sizing = { ...this.#sizing, maxThreads };
    const bounds = threadBounds(sizing);
    // Validated first, so that a bad value throws as before; once closed, options keep telling the size applied.
    if (this.#scheduler.closed) return;
    this.#sizing.maxThreads = maxThreads;
    this.#scheduler.resize(bounds.maxThreads, bounds.minThreads, bounds.maxQueue);
  }

  /** Stops the workers now; queued and running tasks reject with ERR_HIVE_POOL_CLOSED. */
  destroy(): Promise<void> {
    return this.#scheduler.destroy();
  }

  /**
   * Removes the listeners of `eventName`, or of every event, as `EventEmitter`'s does; a listener for piscina's
   * `needsDrain` or `message` event is still refused afterwards.
   */
  override removeAllListeners(...args: Parameters<EventEmitter<PoolEvents>['removeAllListeners']>): this {
    // Passed on as given: EventEmitter tells removeAllListeners() from removeAllListeners(undefined) by arguments.length.
    super.removeAllListeners(...args);
    // The refusal is a 'newListener' listener, which that just removed unless another event was named.
    if (!(this as EventEmitter).listeners('newListener').includes(refusePiscinaEvent)) this.#refusePiscinaEvents();
    return this;
  }

  // A 'newListener' listener runs before a listener is added, and its throw leaves it out.
  #refusePiscinaEvents(): void {
    (this as EventEmitter).prependListener('newListener', refusePiscinaEvent);
  }

  #workerInfo(id: number): PoolWorkerInfo {
    return this.#options.isolation === 'process' ? { pid: id } : { threadId: id };
  }

  /**
   * `await using pool = new Pool(...)` calls this at the end of the block: the same as `close()` (running and queued
   * tasks finish, then the workers stop), so leaving the block waits for the pool's work. Resolves at once after an
   * explicit close() or destroy() once their workers are gone.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #task(input: unknown, options: RunOptions, resolve: (v: unknown) => void, reject: (e: unknown) => void): Task {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      // An array is piscina 2's runTask(task, transferList), whose keys would read as options `0`, `1`...
      const hint = Array.isArray(options)
        ? ' (a transfer list goes in the `transfer` option: { transfer: [...] })'
        : '';
      throw new InvalidArgumentError(`Expected run options to be an object, got ${describeValue(options)}${hint}`);
    }
    // A misspelt key (\`timout\`) would otherwise run the task without what the caller asked for.
    for (const key in options) {
      if (!runOptionKeys.has(key)) {
        throw new InvalidArgumentError(`Unknown run option \`${key}\`${runOptionHints.get(key) ?? ''}`);
      }
    }
    const { transfer, onProgress, onTiming } = options;
    // null as absent: piscina's RunOptions type them `string | null` and `AbortSignal | null`.
    const name = options.name ?? undefined;
    const signal = options.signal ?? undefined;
    if (name !== undefined && (typeof name !== 'string' || name === '')) {
      throw new InvalidArgumentError(
        `Expected the \`name\` option to be a non-empty string, got ${describeValue(name)}`,
      );
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      // piscina also takes an EventEmitter or EventTarget that emits 'abort': say how to turn one into a signal.
      const hint =
        typeof (signal as { once?: unknown }).once === 'function' ||
        typeof (signal as { addEventListener?: unknown }).addEventListener === 'function'
          ? " (an emitter of 'abort', as piscina takes, is not one: abort an AbortController on its event and pass the controller's signal)"
          : '';
      throw new InvalidArgumentError(
        `Expected the \`signal\` option to be an AbortSignal, got ${describeValue(signal)}${hint}`,
      );
    }
    if (transfer !== undefined && !Array.isArray(transfer)) {
      throw new InvalidArgumentError(`Expected the \`transfer\` option to be an array, got ${describeValue(transfer)}`);
    }
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw new InvalidArgumentError(
        `Expected the \`onProgress\` option to be a function, got ${describeValue(onProgress)}`,
      );
    }
    const timeout = options.timeout === undefined ? this.#options.timeout : timeoutOption('timeout', options.timeout);
    if (onTiming !== undefined && typeof onTiming !== 'function') {
      throw new InvalidArgumentError(
        `Expected the \`onTiming\` option to be a function, got ${describeValue(onTiming)}`,
      );
    }
    // pool.run(move(buffer)), piscina's way to transfer an input: the task gets the value, not the wrapper.
    const moved = movedOf(input);
    const [value, list] = moved !== undefined ? unwrapMovedInput(moved, transfer) : [input, transfer];
    const task = new Task(value, name, list, signal, timeout, onProgress, performance.now(), resolve, reject);
    task.onTiming = onTiming;
    return task;
  }

  /** Refusals decided at the call, before the task is queued. */
  #refuse(task: Task): Error | undefined {
    const type = typeof task.input;
    if (type === 'function' || type === 'symbol') {
      return new DataCloneError('input', new TypeError(`a ${type} cannot be cloned`), this.#options.isolation);
    }
    if (task.signal?.aborted) return new TaskAbortedError(task.signal.reason);
    const exports = this.#scheduler.exports;
    const name = task.name ?? 'default';
    if (exports !== undefined && !exports.has(name)) {
      // Counted as a failed task, as when a worker finds it (before the first load, the call cannot know): stats
      // must not depend on which came first.
      this.#scheduler.stats.recordFailure();
      return new TaskNotFoundError(this.#options.filename, name, [...exports]);
    }
    return undefined;
  }
}

refusePiscinaProperties(Pool.prototype);
