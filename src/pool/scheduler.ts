import { performance } from 'node:perf_hooks';
import { debuglog } from 'node:util';
import type { TransferListItem } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.js';
import { AbortWatch } from './abort-watch.js';
import { batchLimit, worthMoving } from './batch-policy.js';
import {
  DataCloneError,
  PoolClosedError,
  QueueFullError,
  TaskAbortedError,
  TaskModuleError,
  TaskTimeoutError,
  ThreadExitedError,
  unstartedTransferError,
  workerExitError,
} from './errors.js';
import { FirstLoad } from './first-load.js';
import type { FilledOptions } from './options.js';
import { isPermissionRefusal } from './permission-refusal.js';
import { PoolStatsRecorder, type StartRetryStats } from './pool-stats.js';
import { PoolWorker } from './pool-worker.js';
import { ProcessTransport } from './process-transport.js';
import { FAILURE, INIT, LOAD_FAILED, PROGRESS, READY, RESEND, RESULT, type WorkerMessage } from './protocol.js';
import { deserializeError, serializeError } from './serialized-error.js';
import { StartRetry, startTimeout } from './start-retry.js';
import { isSystemShortage, refusalReason } from './system-shortage.js';
import { QUEUED, SENT, SETTLED, type Task } from './task.js';
import { TaskQueue } from './task-queue.js';
import { ThreadTransport } from './thread-transport.js';
import { holdsDetachedBuffer, nestedMoveError } from './transfer.js';
import type { TransportEvents } from './worker-transport.js';

const debug = debuglog('hive:pool');

/**
 * Workers in a row that may die before loading the module, while others serve, before the pool holds (see #holding):
 * one killed from outside is replaced at once, but a module that kills every new thread at load must not make the
 * pool spawn threads in a loop, so past this its replacements wait for the retry timer.
 */
const MAX_EARLY_DEATHS = 3;

/**
 * A worker that loaded the module and dies before completing a task or before this uptime (ms) counts as a failed
 * start too (PM2's min_uptime idea): a module whose threads die just after loading (a top-level timer that throws)
 * would otherwise be restarted at once, forever. Completing a task proves the module sooner, by count, not time.
 */
export const MIN_UPTIME_MS = 1000;

export interface SchedulerHooks {
  /** A failure no task can carry (a worker died while idle, the module failed to load). */
  error(error: Error): void;
  /** Nothing is queued or running any more. */
  drain(): void;
  /** The pool was found at capacity (see {@link Scheduler.needsDrain}) and can take a task again. */
  available(): void;
  /** A worker was started (it counts in `threads` from now on); `id` is its thread id or process id. */
  workerCreate(id: number): void;
  /** A worker left the pool (exited, crashed, was stopped or retired); it no longer counts in `threads`. */
  workerDestroy(id: number): void;
}

/**
 * The pool's engine: the queue, the workers, and the rules that move tasks between them. Tasks go to workers in
 * batches sized from measured run times, results stream back one by one, and every move of an unstarted task (cancel,
 * steal, requeue after a crash) is settled through the worker's claim ring, so that batching never costs a per-task
 * guarantee.
 */
export class Scheduler {
  readonly stats = new PoolStatsRecorder();
  readonly #options: FilledOptions;
  readonly #hooks: SchedulerHooks;
  readonly #queue = new TaskQueue();
  readonly #aborts = new AbortWatch((task) => this.#abort(task));
  readonly #workers: PoolWorker[] = [];
  #pending = 0;
  #starting = 0;
  /** Workers marked `retiring` by a shrink and not gone yet: they count in `threads`, not against maxThreads. */
  #retiring = 0;
  #runEwma = 0;
  #flushScheduled = false;
  #closing: { resolve: () => void; promise: Promise<void> } | undefined;
  #destroyed = false;
  /**
   * The workers' end, once the pool stopped them (destroy(), or close() with nothing left to run): what a later
   * close() or destroy() waits for, since it has no workers of its own left to stop.
   */
  #stopped: Promise<void> | undefined;
  /**
   * A worker failed to load the module (or could not start, or MAX_EARLY_DEATHS died while loading it) and none has
   * loaded it since: workers start only one at a time, when #retry says so (or at once for tasks that nothing alive
   * could serve), so that a module that stays broken costs one start per retry wait, not a spawn loop, and a fixed one
   * brings the pool back on its own.
   */
  #holding = false;
  readonly #retry: StartRetry;
  /**
   * Workers that died unproven (see PoolWorker.proven) since a worker last proved the module (see MAX_EARLY_DEATHS).
   */
  #earlyDeaths = 0;
  /** Starts that failed in any way (load failure, early death, refused start) since the last proof: for stats. */
  #failedStarts = 0;
  /** Every failed start ever: a worker's proof ends the streak only if no start failed since it loaded. */
  #failures = 0;
  /** Workers running the module's async init (see PoolWorker.initialising). */
  #initialising = 0;
  /** Some queued task may have an init-wait timer (see #armInitWaits). */
  #initWaits = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #closeTimer: NodeJS.Timeout | undefined;
  #recheckTimer: NodeJS.Timeout | undefined;
  /**
   * Someone saw the pool at capacity (needsDrain read true, or run() refused with ERR_HIVE_QUEUE_FULL): the events that
   * free room (a task settles, a worker becomes ready or exits) then look again, and report `available` once there is
   * room. Only set by a caller who asked, so a pool nobody throttles pays one boolean test per settled task.
   */
  #awaitingRoom = false;
  #roomCheckScheduled = false;
  /** Function exports of the task module, learnt from the first worker that loaded it. */
  exports: Set<string> | undefined;
  /** The first load of the workers started at construction; none without one (minThreads 0). See first-load.ts. */
  readonly firstLoad: FirstLoad | undefined;
  /** While the constructor starts minThreads: the `error`s of refused starts, reported once it returned. */
  #constructionErrors: Error[] | undefined;
  /** Most ms from a worker's spawn to its first sign of life (see start-retry's START_TIMEOUT_MS). */
  readonly #startTimeout: number;

  constructor(options: FilledOptions, hooks: SchedulerHooks) {
    this.#options = options;
    this.#hooks = hooks;
    this.#retry = new StartRetry(() => this.#onRetryDue(), options.startRetry);
    this.#startTimeout = startTimeout();
    if (options.minThreads > 0) this.firstLoad = new FirstLoad();
    const errors: Error[] = [];
    this.#constructionErrors = errors;
    try {
      for (let i = 0; i < options.minThreads; i++) {
        const refused = this.#spawn();
        if (refused === undefined) continue;
        const cause = refused.cause as Error;
        // The system lacks threads, processes, memory or descriptors (`ulimit -u`): a failed start like any later one
        // (docs/pool.md, Recovery), not the caller's error. The pool exists; the workers started serve, and the retry
        // timer (#spawn armed it) brings the rest, one at a time. None started: the first load failed with it, and a
        // run() tries a start at once (rejected with it if that fails too), as once every thread died.
        if (isSystemShortage(cause)) break;
        // Node's permission model refused the start (no --allow-worker): not the options, and no later start would
        // fare better. The error the pool gives that refusal at any start, thrown at the door (docs/pool.md).
        if (isPermissionRefusal(cause)) throw refused;
        // The options are the cause (worker_threads refuses some Node flags, resource limits, env): say so at the door.
        const by = options.isolation === 'process' ? 'fork' : 'worker_threads';
        throw new InvalidArgumentError(`${by} refused the pool's worker options: ${cause.message}`, { cause });
      }
    } catch (error) {
      // No pool is returned to stop them: the workers started before the refusal must not outlive the constructor.
      void this.destroy();
      throw error;
    } finally {
      this.#constructionErrors = undefined;
    }
    // On a microtask, as workerCreate: nobody could listen during the constructor.
    for (const error of errors) queueMicrotask(() => this.#hooks.error(error));
  }

  get closed(): boolean {
    return this.#closing !== undefined || this.#destroyed;
  }

  /** Accepts a task, or returns the error that refuses it. */
  submit(task: Task): Error | undefined {
    if (this.closed) return new PoolClosedError('run() after close() or destroy()');
    if (this.#atCapacity()) {
      this.#awaitingRoom = true;
      return new QueueFullError(this.#options.maxQueue);
    }
    this.#pending++;
    if (task.signal !== undefined) this.#aborts.add(task, task.signal);
    // Serial latency: with nothing queued and a worker idle, send at once rather than on the next microtask.
    if (this.#queue.size === 0) {
      const idle = this.#idleWorker();
      if (idle !== undefined) {
        this.#send(idle, [task]);
        return undefined;
      }
    }
    this.#queue.push(task);
    if (task.timeout > 0 && this.#initialising > 0) this.#armInitWaits([task]);
    this.#scheduleFlush();
    return undefined;
  }

  /**
   * Whether the next run() would be refused with ERR_HIVE_QUEUE_FULL: as many tasks wait for a thread as `maxQueue`
   * allows. Computed on demand; a true answer makes the pool report `available` once it has room again.
   */
  needsDrain(): boolean {
    if (!this.#atCapacity()) return false;
    this.#awaitingRoom = true;
    return true;
  }

  #atCapacity(): boolean {
    const unstarted = this.#unstarted();
    return unstarted >= this.#options.maxQueue && unstarted >= this.#options.maxQueue + this.#free();
  }

  /**
   * Looks for room on a microtask, once the move that may have freed it is complete (a crashed worker's unstarted tasks
   * are back in the queue, for one), and so that an `available` listener that calls run() does not run inside it.
   */
  #checkRoomSoon(): void {
    if (this.#roomCheckScheduled) return;
    this.#roomCheckScheduled = true;
    queueMicrotask(() => {
      this.#roomCheckScheduled = false;
      if (!this.#awaitingRoom || this.#atCapacity()) return;
      this.#awaitingRoom = false;
      this.#hooks.available();
    });
  }

  counts(): { threads: number; busy: number; queued: number } {
    let busy = 0;
    for (const worker of this.#workers) if (worker.inFlight.length > 0) busy++;
    return { threads: this.#workers.length, busy, queued: this.#unstarted() };
  }

  startRetryStats(): StartRetryStats {
    return { failedStarts: this.#failedStarts, pending: this.#retry.pending, dueIn: this.#retry.dueIn ?? 0 };
  }

  /**
   * Sets maxThreads and minThreads (validated by the caller) while the pool runs. Growing starts threads as work needs
   * them (and up to minThreads). Shrinking retires idle threads now; a busy one above the new bound gives back the
   * tasks it has not started (through the claim ring, so none is lost or runs twice), finishes its running one and
   * retires then.
   */
  resize(maxThreads: number, minThreads: number, maxQueue: number): void {
    // Closing waits for the queued tasks with the size it had: a new one would start threads while it drains.
    if (this.closed) return;
    this.stats.resized(this.#options.maxThreads);
    this.#options.maxThreads = maxThreads;
    this.#options.minThreads = minThreads;
    this.#options.maxQueue = maxQueue;
    // Grown back before those a shrink marked have finished: they stay rather than be replaced by new threads.
    for (const worker of this.#workers) {
      if (this.#live() >= maxThreads) break;
      if (worker.retiring) {
        worker.retiring = false;
        this.#retiring--;
      }
    }
    this.#shrink();
    this.#replenish();
    this.#scheduleFlush();
    this.#checkIdle();
    if (this.#awaitingRoom) this.#checkRoomSoon();
  }

  /**
   * Retires workers past maxThreads: first those still starting, the youngest first (the oldest is the closest to
   * ready), then the idle ones, then the least loaded busy ones.
   */
  #shrink(): void {
    let excess = this.#live() - this.#options.maxThreads;
    if (excess <= 0) return;
    // #workers is in creation order.
    const starting = this.#workers.filter((worker) => !worker.retiring && !worker.ready).reverse();
    const ready = this.#workers
      .filter((worker) => !worker.retiring && worker.ready)
      .sort((a, b) => a.inFlight.length - b.inFlight.length);
    for (const worker of [...starting, ...ready]) {
      if (excess-- <= 0) break;
      if (worker.inFlight.length === 0) {
        void this.#retire(worker);
        continue;
      }
      worker.retiring = true;
      this.#retiring++;
      const head = worker.inFlight[0];
      const taken = worker.takeBack(worker.inFlight.length, undefined);
      for (const task of taken) {
        // It never started (takeBack won its claim), and the shrink is the pool's doing: its timeout counts from its
        // start on the thread that runs it. One resent after its worker died keeps that deadline (see #onExit).
        if (task.timer !== undefined && task.putBack !== 'death') {
          clearTimeout(task.timer);
          task.timer = undefined;
        }
      }
      this.#queue.unshiftAll(taken);
      if (worker.inFlight[0] !== head) this.#headLeft(worker, performance.now());
    }
  }

  /** Workers that count against maxThreads: all but those retiring after a shrink. */
  #live(): number {
    return this.#workers.length - this.#retiring;
  }

  /**
   * `force`: the tasks that have not started reject rather than run (running ones finish), also after a plain close().
   */
  close(force: boolean): Promise<void> {
    if (this.#closing === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.#closing = { resolve, promise };
      if (this.#stopped !== undefined) void this.#stopped.then(resolve);
      else this.#checkClosed();
      const bound = this.#options.closeTimeout;
      if (bound > 0 && !this.#destroyed) {
        // Unref'd: a running task holds the process open anyway, and an idle pool must not.
        this.#closeTimer = setTimeout(() => void this.destroy(`closeTimeout (${bound} ms) expired`), bound);
        this.#closeTimer.unref();
      }
    }
    // After the closing mark, so that settling the last task stops the workers rather than waiting for more.
    if (force && !this.#destroyed) this.#cancelUnstarted();
    return this.#closing.promise;
  }

  destroy(why = 'the pool was destroyed'): Promise<void> {
    if (this.#stopped !== undefined) return this.#stopped;
    this.#destroyed = true;
    clearTimeout(this.#closeTimer);
    const error = () => new PoolClosedError(why);
    for (const task of this.#queue.clear()) this.#settle(task, false, error());
    const exits: Promise<void>[] = [];
    for (const worker of [...this.#workers]) {
      for (const [index, task] of worker.inFlight.splice(0).entries()) {
        if (index === 0) this.#settleRunning(worker, task, error());
        else this.#settle(task, false, error());
      }
      exits.push(this.#retire(worker));
    }
    clearInterval(this.#idleTimer);
    this.#retry.stop();
    this.#stopped = Promise.all(exits).then(() => this.#closing?.resolve());
    return this.#stopped;
  }

  #cancelUnstarted(): void {
    const error = () => new PoolClosedError('close({ force: true }) cancelled the task before it started');
    for (const task of this.#queue.clear()) this.#settle(task, false, error());
    for (const worker of [...this.#workers]) {
      // Sent but not started: taken back as an abort would (the worker skips it); the head is usually running.
      for (const task of [...worker.inFlight]) {
        if (task.state !== SENT || !worker.transport.tryCancel(task.seq)) continue;
        const index = worker.inFlight.indexOf(task);
        worker.inFlight.splice(index, 1);
        if (index === 0) this.#headLeft(worker, performance.now());
        this.#settle(task, false, error());
      }
    }
  }

  #unstarted(): number {
    let sent = 0;
    for (const worker of this.#workers) if (worker.inFlight.length > 1) sent += worker.inFlight.length - 1;
    return this.#queue.size + sent;
  }

  /**
   * Threads that will take a task without it waiting behind another: idle, still starting, or not started yet (below
   * maxThreads). The unstarted tasks they will take are not waiting for a thread, so they do not count against
   * maxQueue: with `maxQueue: 0` a pool still runs a task per thread it can start.
   */
  #free(): number {
    let free = this.#options.maxThreads - this.#live();
    for (const worker of this.#workers) {
      if (worker.retiring) continue;
      if (worker.inFlight.length === 0 && (!worker.ready || worker.room(1) > 0)) free++;
    }
    return free;
  }

  #idleWorker(): PoolWorker | undefined {
    for (const worker of this.#workers) {
      if (worker.ready && !worker.retiring && worker.inFlight.length === 0 && worker.room(1) > 0) return worker;
    }
    return undefined;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.#flush());
  }

  /** Hands queued tasks to workers with room, splits a deep queue evenly, and lets idle workers steal. */
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#destroyed) return;
    const batch = batchLimit(this.#runEwma);
    while (this.#queue.size > 0) {
      // A task with a transfer list goes only to a worker holding nothing (see #batchFrom): it waits for one here.
      const needsIdle = alone(this.#queue.peek());
      let target: PoolWorker | undefined;
      let room = 0;
      let eligible = 0;
      for (const worker of this.#workers) {
        if (!worker.ready || worker.retiring || (needsIdle && worker.inFlight.length > 0)) continue;
        const free = worker.room(batch);
        if (free === 0) continue;
        eligible++;
        if (target === undefined || worker.inFlight.length < target.inFlight.length) {
          target = worker;
          room = free;
        }
      }
      if (target === undefined) {
        // A worker with nothing in flight and no room is only waiting to skip cancelled tasks: no answer will come
        // to trigger the next flush, so look again shortly, holding the process open for the tasks that wait.
        if (this.#workers.some((worker) => worker.ready && worker.inFlight.length === 0)) this.#recheck(true);
        break;
      }
      const tasks = this.#batchFrom(target, Math.min(room, Math.ceil(this.#queue.size / eligible)));
      if (tasks.length === 0) break;
      this.#send(target, tasks);
    }
    if (this.#queue.size === 0) this.#steal();
    this.#grow();
  }

  /**
   * Takes up to `count` tasks from the queue for `worker`. A task with a transfer list is taken only first, for a
   * worker holding nothing, so that it starts next there: its buffers go with the message and cannot be taken back,
   * and a worker stopped for another task (abort, timeout) would take them down with it. Plain tasks may follow it:
   * they can be taken back. The batch ends before a transfer task that cannot join it; it waits for an idle worker.
   * The same for a task suspected of a worker's death (see #onExit).
   */
  #batchFrom(worker: PoolWorker, count: number): Task[] {
    const tasks: Task[] = [];
    while (tasks.length < count) {
      const next = this.#queue.peek();
      if (next === undefined) break;
      if (alone(next) && (tasks.length > 0 || worker.inFlight.length > 0)) break;
      this.#queue.shift();
      tasks.push(next);
    }
    return tasks;
  }

  /** Moves unstarted tasks from the busiest worker to idle ones, so a long task never waits while a thread idles. */
  #steal(): void {
    for (const idle of this.#workers) {
      if (!idle.ready || idle.retiring || idle.inFlight.length > 0) continue;
      let victim: PoolWorker | undefined;
      for (const worker of this.#workers) {
        if (worker.inFlight.length > 1 && (victim === undefined || worker.inFlight.length > victim.inFlight.length)) {
          victim = worker;
        }
      }
      if (victim === undefined) return;
      const room = idle.room(idle.transport.maxInFlight);
      if (room === 0) {
        // It has yet to skip cancelled tasks before its ring has room (see PoolWorker), and no answer will say when.
        this.#recheck(false);
        continue;
      }
      const unstarted = victim.inFlight.length - 1;
      const running = performance.now() - victim.headSince;
      if (!worthMoving(unstarted, this.#runEwma, running)) {
        // Too early to tell: look again shortly, or an idle thread could wait a whole long task for a trigger.
        this.#recheck(false);
        return;
      }
      const head = victim.inFlight[0];
      const taken = victim.takeBack(Math.min(Math.ceil(unstarted / 2), room), undefined);
      // Never the head in fact: it takes at most ceil(unstarted / 2) of the tasks behind it, from the tail, and the
      // only tasks takeBack skips (a transfer list) are only ever sent first, as a head (#batchFrom, #idleWorker).
      // Checked all the same, so that the head's timing stays right should either change.
      if (victim.inFlight[0] !== head) this.#headLeft(victim, performance.now());
      debug(
        'steal %d of %d unstarted tasks (running %dms), victim now %d, idle had %d',
        taken.length,
        unstarted,
        running.toFixed(2),
        victim.inFlight.length,
        idle.inFlight.length,
      );
      if (taken.length === 0) return;
      this.#send(idle, taken);
    }
  }

  /** Flushes again in 1 ms; `keepAlive` when tasks wait for it, so that the process does not exit under them. */
  #recheck(keepAlive: boolean): void {
    if (this.#recheckTimer === undefined) {
      this.#recheckTimer = setTimeout(() => {
        this.#recheckTimer = undefined;
        this.#scheduleFlush();
      }, 1);
      this.#recheckTimer.unref();
    }
    if (keepAlive) this.#recheckTimer.ref();
  }

  /**
   * Starts workers while tasks wait and the pool is below maxThreads. Also while closing: close() waits for the
   * queued tasks, which may need a worker started now (minThreads 0, or one that died or was stopped meanwhile).
   */
  #grow(): void {
    const waiting = this.#waitingForThreads();
    while (this.#live() < this.#options.maxThreads && this.#starting < waiting) {
      if (!this.#mayStart() || this.#spawn() !== undefined) return;
    }
  }

  /**
   * How many more workers waiting work could use: the queue's size; else 1 when a busy worker holds a backlog (all
   * work is placed, but a fresh thread would steal from it); else 0.
   */
  #waitingForThreads(): number {
    if (this.#queue.size > 0) return this.#queue.size;
    return this.#workers.some((worker) => worker.inFlight.length > 1) ? 1 : 0;
  }

  /**
   * Whether the pool may start a worker now; asked once per start, by callers that need one. While holding (see
   * #holding) it starts one at a time, and the live workers keep serving the queue meanwhile: when the retry is due,
   * or at once when tasks wait and no worker is left to serve them (if that one fails too, they fail: see #onExit and
   * LOAD_FAILED); otherwise it arms the retry, which calls #replenish when due.
   */
  #mayStart(): boolean {
    if (this.#destroyed) return false;
    if (!this.#holding) return true;
    if (this.#starting > 0) return false;
    if (this.#retry.due || (this.#workers.length === 0 && this.#queue.size > 0)) return true;
    this.#retry.arm();
    return false;
  }

  #countFailure(): void {
    this.#failedStarts++;
    this.#failures++;
  }

  /** A worker failed to start or load: from now on (or still) the pool holds, and its next retry waits longer. */
  #startFailed(): void {
    if (this.#holding) this.#retry.failed();
    this.#holding = true;
  }

  /** Starts a worker; returns the error when its options are refused outright (then waiting tasks fail with it). */
  #spawn(): Error | undefined {
    const worker = new PoolWorker();
    const events: TransportEvents = {
      message: (message) => this.#onMessage(worker, message),
      up: () => this.#onUp(worker),
      lost: (cause) => this.#onLost(worker, cause),
      drained: () => this.#onDrained(worker),
      exit: (detail, cause, outOfMemory) => this.#onExit(worker, detail, cause, outOfMemory),
    };
    const options = {
      filename: this.#options.filename,
      resourceLimits: this.#options.resourceLimits,
      env: this.#options.env,
      execArgv: this.#options.execArgv,
      argv: this.#options.argv,
      workerData: this.#options.workerData,
    };
    try {
      worker.transport =
        this.#options.isolation === 'process'
          ? new ProcessTransport(options, events)
          : new ThreadTransport(options, events);
    } catch (cause) {
      const reason = refusalReason(cause);
      const error = new ThreadExitedError(
        `it could not be started: ${reason}`,
        cause,
        undefined,
        `A pool worker could not be started: ${reason}`,
      );
      this.#countFailure();
      this.#startFailed();
      // Live workers keep serving the queue while the retry waits; with none, nothing could serve the waiting tasks.
      if (this.#workers.length === 0) {
        for (const task of this.#queue.clear()) this.#settle(task, false, error);
        this.firstLoad?.settle(error);
      }
      // Armed here: the callers stop asking for starts after a refusal, so #mayStart would not arm it. Only when the
      // pool lacks a thread, as there: a refused start for tasks that just failed with it owes no retry.
      if (this.#lacksThread()) this.#retry.arm();
      if (this.#constructionErrors !== undefined) this.#constructionErrors.push(error);
      else this.#hooks.error(error);
      return error;
    }
    // A starting worker holds the process open (tasks may be waiting for it); it lets go once ready and idle.
    this.#workers.push(worker);
    this.#starting++;
    this.#armStartBound(worker);
    if (this.#holding) this.#retry.taken();
    this.#hooks.workerCreate(worker.transport.id);
    return undefined;
  }

  /**
   * Bounds a worker's start, from now to its first sign of life (TransportEvents.up). A child process short of threads
   * (`ulimit -u`, a container's pids limit) may fork, then sleep for ever in Node's startup (its platform waits for
   * threads it could not create) without a word or an exit: with no bound the pool waited for it as for a slow start,
   * started no other, and every task waited for ever. Unref'd: the starting worker holds the process open meanwhile.
   */
  #armStartBound(worker: PoolWorker): void {
    worker.startTimer = setTimeout(() => {
      // A sign of life may be waiting to be read (this process's event loop was blocked past the bound): timers run
      // before the poll phase that reads it, so the verdict waits for that phase.
      setImmediate(() => this.#startTimedOut(worker));
    }, this.#startTimeout);
    worker.startTimer.unref();
  }

  #onUp(worker: PoolWorker): void {
    worker.up = true;
    clearTimeout(worker.startTimer);
    worker.startTimer = undefined;
  }

  /**
   * No sign of life within the bound: the worker is ended (a child process SIGKILLed) and handled as one that died
   * while starting (#onExit): a failed start, with what that means for the waiting tasks and the retries. It held no
   * task (only ready workers are sent tasks), so none is lost or run twice.
   */
  #startTimedOut(worker: PoolWorker): void {
    worker.startTimer = undefined;
    if (worker.gone || worker.up) return;
    const ms = this.#startTimeout;
    const detail =
      this.#options.isolation === 'process'
        ? `its process gave no sign of life within ${ms} ms of its spawn and was killed (short of threads or processes? see ulimit -u)`
        : `its thread did not come online within ${ms} ms and was stopped`;
    void worker.transport.terminate();
    const error = new ThreadExitedError(detail, undefined, undefined, `A pool worker could not be started: ${detail}`);
    this.#onExit(worker, detail, undefined, false, error);
  }

  /** Sends tasks to a worker as one message; an input that cannot be cloned fails alone. */
  #send(worker: PoolWorker, tasks: Task[]): void {
    // postMessage would not refuse a detached buffer in the transfer list: it would deliver it empty.
    if (tasks.some((task) => task.transfer !== undefined && holdsDetachedBuffer(task.transfer))) {
      tasks = tasks.filter((task) => {
        if (task.transfer === undefined || !holdsDetachedBuffer(task.transfer)) return true;
        this.#settle(
          task,
          false,
          new DataCloneError('input', new TypeError('an ArrayBuffer to transfer is detached'), this.#workerKind()),
        );
        return false;
      });
    }
    if (tasks.length === 0) return;
    let names: (string | undefined)[] | undefined;
    let transfer: TransferListItem[] | undefined;
    let single = false;
    const inputs = new Array<unknown>(tasks.length);
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i]!;
      inputs[i] = task.input;
      single ||= task.single;
      if (task.name !== undefined) {
        names ??= [];
        names[i] = task.name;
      }
      if (task.transfer !== undefined)
        transfer = transfer === undefined ? task.transfer : transfer.concat(task.transfer);
    }
    if (single && tasks.length > 1) {
      for (const task of tasks) this.#send(worker, [task]);
      return;
    }
    try {
      worker.transport.post(names, inputs, transfer);
    } catch (error) {
      if (tasks.length === 1) {
        const task = tasks[0]!;
        this.#settle(
          task,
          false,
          nestedMoveError('input', task.input) ?? new DataCloneError('input', error, this.#workerKind()),
        );
        return;
      }
      for (const task of tasks) this.#send(worker, [task]);
      return;
    }
    const wasIdle = worker.inFlight.length === 0;
    for (const task of tasks) {
      // An init-wait timer (see #armInitWaits) is over: the task's own timeout counts from its start.
      if (task.initWait !== undefined) clearTimeout(task.initWait);
      task.initWait = undefined;
      task.state = SENT;
      task.seq = worker.nextSeq++;
      worker.inFlight.push(task);
    }
    if (wasIdle) {
      worker.headSince = performance.now();
      worker.transport.ref();
      this.#armTimeout(worker);
    }
  }

  #onMessage(worker: PoolWorker, message: WorkerMessage): void {
    // Sent before the pool stopped it (a shrink, close, idle retirement) and delivered after: a child process's IPC
    // channel still hands over what the child wrote before it was killed. The pool is done with this worker: a late
    // READY would count it as started twice (#starting below zero), a late LOAD_FAILED would report a second error.
    if (worker.gone) return;
    switch (message[0]) {
      case RESULT:
      case FAILURE: {
        const task = worker.inFlight.shift();
        if (task === undefined) return;
        if (task.lost !== undefined) this.#answered(worker, task, false, task.lost, message[2]);
        else if (message[0] === RESULT) this.#answered(worker, task, true, message[1], message[2]);
        else this.#answered(worker, task, false, deserializeError(message[1]), message[2]);
        return;
      }
      case RESEND: {
        const task = worker.inFlight.shift();
        if (task === undefined) return;
        this.#resend(worker, task);
        return;
      }
      case PROGRESS: {
        const task = worker.inFlight[0];
        if (task?.onProgress !== undefined) callback(task.onProgress, message[1]);
        return;
      }
      case INIT: {
        worker.initialising = true;
        this.#initialising++;
        this.#armInitWaits(this.#queue);
        return;
      }
      case READY: {
        if (worker.initialising) {
          worker.initialising = false;
          this.#initialising--;
        }
        this.#clearInitWaits();
        worker.ready = true;
        worker.readyAt = performance.now();
        this.firstLoad?.settle();
        worker.failuresAtReady = this.#failures;
        this.#starting--;
        if (worker.inFlight.length === 0) worker.transport.unref();
        this.exports ??= new Set(message[1]);
        // Loading is not enough to end a streak of failed starts (the module may kill its threads just after): a
        // completed task or MIN_UPTIME_MS of life is. Timed only while there is a streak to end.
        if (this.#failedStarts > 0) {
          setTimeout(() => {
            if (!worker.gone && !worker.proven) this.#prove(worker);
          }, MIN_UPTIME_MS).unref();
        }
        this.#scheduleFlush();
        this.#checkIdle();
        if (this.#awaitingRoom) this.#checkRoomSoon();
        return;
      }
      case LOAD_FAILED: {
        const reason = deserializeError(message[1]);
        // An async init that rejected is reported by the worker as a TaskModuleError already, naming the export.
        const error = reason instanceof TaskModuleError ? reason : new TaskModuleError(this.#options.filename, reason);
        // A worker reports LOAD_FAILED before READY, so it holds no task; should one ever come later, what it held
        // rejects with it rather than wait forever (#retire).
        void this.#retire(worker, error);
        // The first worker to finish loading decides: a later one's luck (a flaky init) does not make a module good.
        this.firstLoad?.settle(error);
        this.#countFailure();
        this.#startFailed();
        this.#hooks.error(error);
        // Fail what waits only when no other worker can serve it: not one loaded, none still loading. (Before
        // #replenish, which would otherwise start a worker at once for those tasks: a loop while the module is broken.)
        // A timed retry, or the next run(), then starts a fresh worker, so a fixed module works again.
        if (this.#starting === 0 && !this.#workers.some((w) => w.ready)) {
          for (const task of this.#queue.clear()) this.#settle(task, false, error);
        }
        this.#replenish();
        return;
      }
    }
  }

  /** The worker's answer to the head task, `task`, just taken off its list. */
  #answered(worker: PoolWorker, task: Task, ok: boolean, value: unknown, runMs: number): void {
    if (!worker.proven) this.#prove(worker);
    worker.answered(task);
    worker.transport.release(task.seq);
    this.#runEwma += (runMs - this.#runEwma) * 0.2;
    const now = performance.now();
    const waitMs = now - runMs - task.enqueuedAt;
    this.stats.record(runMs, waitMs, ok);
    if (task.onTiming !== undefined) {
      callback(task.onTiming, { waitMs: Math.max(0, waitMs), runMs, worker: worker.transport.id });
    }
    if (task.timer !== undefined) clearTimeout(task.timer);
    task.timer = undefined;
    this.#headLeft(worker, now);
    this.#settle(task, ok, value, true);
  }

  /**
   * A message of the worker could not be deserialized here (see TransportEvents.lost): one of the head task's, its
   * answer or a progress value, which the transport tells apart. Guessing would shift every later answer onto the
   * wrong task, or leave this one waiting forever.
   */
  #onLost(worker: PoolWorker, cause: unknown): void {
    if (worker.gone) return;
    const task = worker.inFlight[0];
    const lost = (what: 'result' | 'progress value') =>
      new DataCloneError(
        what,
        new Error(
          `the pool's thread could not deserialize it (nested too deep for its stack?)${cause instanceof Error ? `: ${cause.message}` : ''}`,
          { cause },
        ),
        this.#workerKind(),
      );
    if (task === undefined) {
      // Before any task a worker only says INIT, READY or LOAD_FAILED: a start that cannot be trusted, failed as one.
      if (!worker.ready) this.#onMessage(worker, [LOAD_FAILED, serializeError(lost('result'))]);
      return;
    }
    if (worker.transport.lostAnswer?.(task.seq) === true) {
      worker.inFlight.shift();
      this.#answered(worker, task, false, lost('result'), performance.now() - worker.headSince);
    } else {
      // A progress value: the task runs on, and its answer, still to come, settles it with this error.
      task.lost ??= lost('progress value');
    }
  }

  /**
   * The worker could not deserialize the batch that held `task` (see BATCH_SIZE): the task never started there. Sent
   * again on its own, it fails alone if its input is the one that cannot be read, and runs otherwise.
   */
  #resend(worker: PoolWorker, task: Task): void {
    worker.answered(task);
    worker.transport.release(task.seq);
    this.#headLeft(worker, performance.now());
    if (task.transfer !== undefined) {
      // What it transferred went with the lost message.
      const cause = new Error(
        'the thread could not deserialize the message it was sent in, its transferred input with it',
      );
      this.#settle(task, false, new DataCloneError('input', cause, this.#workerKind()));
      return;
    }
    // Not started: its timeout counts from its start.
    if (task.timer !== undefined) clearTimeout(task.timer);
    task.timer = undefined;
    task.state = QUEUED;
    task.seq = -1;
    task.single = true;
    if (worker.retiring || this.#destroyed) {
      this.#queue.unshiftAll([task]);
      this.#scheduleFlush();
    } else {
      this.#send(worker, [task]);
    }
  }

  #onDrained(worker: PoolWorker): void {
    // Work waits, or this worker just went idle or holds a backlog that an idle one could take.
    if (this.#queue.size > 0 || (this.#workers.length > 1 && worker.inFlight.length !== 1)) this.#scheduleFlush();
  }

  /** `startError`: the error of a worker that never started (#startTimedOut), in place of its exit's. */
  #onExit(
    worker: PoolWorker,
    detail: string,
    cause: unknown,
    outOfMemory: boolean,
    startError?: ThreadExitedError,
  ): void {
    if (worker.gone) return;
    // A busy worker's death frees a thread the pool may start, even when no task settles with it.
    if (this.#awaitingRoom) this.#checkRoomSoon();
    const wasReady = worker.ready;
    if (!wasReady) this.#starting--;
    this.#forget(worker);
    // Tasks it never started go back to the front of the queue; the one it was running fails with it.
    const requeue = worker.takeBack(worker.inFlight.length, undefined);
    const lost = worker.inFlight.splice(0);
    // Nothing running took the blame for this death: the first task it had not started may have caused it, its input
    // killing the worker as it was decoded, before the claim (out of memory: resourceLimits). Put back, it would kill
    // one worker after another, forever. So it runs elsewhere once; dying so a second time, it fails with the death.
    let carried = lost.length > 0;
    const suspect = carried ? undefined : requeue[0];
    if (suspect?.suspect) {
      requeue.shift();
      this.#settle(suspect, false, workerExitError(detail, cause, outOfMemory));
      carried = true;
    } else if (suspect !== undefined) {
      suspect.suspect = true;
    }
    // Their timeouts keep running (a task that kills workers stays bounded); a shrink must not restart those.
    for (const task of requeue) if (task.timer !== undefined) task.putBack = 'death';
    this.#queue.unshiftAll(requeue);
    // Settled once the others are back in the queue: settling may call the caller's onTiming, which may destroy() or
    // close({ force: true }) the pool, and those must find them there (put back after, they never settled).
    for (const [index, task] of lost.entries()) {
      if (this.#unstartedTransfer(worker, task))
        this.#settle(task, false, unstartedTransferError(detail, cause, this.#workerKind()));
      else if (index === 0) this.#settleRunning(worker, task, workerExitError(detail, cause, outOfMemory));
      else this.#settle(task, false, workerExitError(detail, cause, outOfMemory));
    }
    this.#armInitWaits(this.#queue);
    const error = startError ?? workerExitError(detail, cause, outOfMemory, false);
    const alone = this.#starting === 0 && !this.#workers.some((w) => w.ready);
    if (!wasReady) {
      this.#earlyDeaths++;
      this.#countFailure();
      // Another worker loaded the module, or may yet: this death says nothing about the module (killed from outside,
      // out of memory at start), so the queue waits for the others and a new worker replaces this one, at once up to
      // MAX_EARLY_DEATHS in a row, then on the retry timer. With none, a new one would likely die too: fail the
      // waiting tasks (before #replenish, which would start one for them at once), not loop.
      if (alone || this.#earlyDeaths >= MAX_EARLY_DEATHS) this.#startFailed();
      if (alone) {
        for (const task of this.#queue.clear()) this.#settle(task, false, error);
        this.firstLoad?.settle(error);
      }
      this.#hooks.error(error);
      this.#replenish();
      return;
    }
    if (!worker.proven && !carried && performance.now() - worker.readyAt < MIN_UPTIME_MS) {
      // Loaded, then died before proving the module, with no task running: paced like a death while loading, so a
      // module whose threads die just after loading costs one start per retry wait, not a restart loop. Tasks it had
      // not started wait for another worker, except that once the pool holds, tasks waiting with no worker left fail
      // rather than start one worker after another (Recovery: "if it fails to start too"). A death while running a
      // task is that task's crash (a native crash, resourceLimits), however soon: the task fails, not the module.
      this.#earlyDeaths++;
      this.#countFailure();
      if (this.#earlyDeaths >= MAX_EARLY_DEATHS) this.#startFailed();
      if (this.#holding && alone) for (const task of this.#queue.clear()) this.#settle(task, false, error);
    }
    if (!carried) {
      // It died between tasks (idle, or before starting those put back in the queue): no task carries the failure,
      // whatever other workers are running.
      this.#hooks.error(error);
    }
    this.#replenish();
  }

  /**
   * A worker completed a task or stayed up MIN_UPTIME_MS: the module works. If no start failed since it loaded, the
   * streak of failed starts ends: the retry waits start over, and the pool starts at once the workers it lacks (back to
   * minThreads, and up to maxThreads for the queue) with no run() to ask for it.
   */
  #prove(worker: PoolWorker): void {
    worker.proven = true;
    if (worker.failuresAtReady !== this.#failures || this.#failedStarts === 0 || this.#destroyed) return;
    const recovered = this.#holding;
    this.#holding = false;
    this.#earlyDeaths = 0;
    this.#failedStarts = 0;
    this.#retry.reset();
    if (recovered) this.#replenish();
  }

  /** Terminates a worker whose task must stop now (abort, timeout), keeping every other task it held. */
  #stopRunning(task: Task, error: Error): void {
    const worker = this.#workerOf(task);
    if (worker === undefined) return;
    // Back in the queue at once: draining and settling below call the caller's onProgress and onTiming, which may
    // destroy() or close({ force: true }) the pool, and those must find them there (put back after, they never
    // settled).
    this.#queue.unshiftAll(worker.takeBack(worker.inFlight.length, task));
    // Its result may have arrived meanwhile: then it finished, and the worker goes on with the next task.
    worker.transport.drain();
    if (task.state !== SETTLED) {
      // Out of the pool before its tasks settle, as in #onExit: a `drain` listener reading stats sees neither.
      const held = worker.inFlight.splice(0);
      void this.#retire(worker);
      this.#settleRunning(worker, task, error);
      for (const other of held) {
        if (other === task) continue;
        const detail = 'terminated while stopping another task';
        const lost = this.#unstartedTransfer(worker, other)
          ? unstartedTransferError(detail, undefined, this.#workerKind())
          : new ThreadExitedError(detail);
        this.#settle(other, false, lost);
      }
      this.#replenish();
    }
    this.#armInitWaits(this.#queue);
    this.#scheduleFlush();
  }

  /**
   * Whether `task`, held by a worker that is gone, was sent with a transfer list and never started: takeBack leaves
   * such a task (its input moved with the message), and #flush sends it only to a worker holding nothing, but the
   * worker may die before reaching it (a crash in a timer of the task before). It must reject, not run elsewhere.
   */
  #unstartedTransfer(worker: PoolWorker, task: Task): boolean {
    return task.transfer !== undefined && task.state === SENT && worker.transport.tryCancel(task.seq);
  }

  #workerKind(): 'thread' | 'process' {
    return this.#options.isolation === 'process' ? 'process' : 'thread';
  }

  #workerOf(task: Task): PoolWorker | undefined {
    for (const worker of this.#workers) if (worker.inFlight.includes(task)) return worker;
    return undefined;
  }

  #abort(task: Task): void {
    const error = new TaskAbortedError(task.signal?.reason);
    if (task.state === QUEUED) {
      this.#queue.removed();
      this.#settle(task, false, error);
    } else if (task.state === SENT) {
      const worker = this.#workerOf(task);
      if (worker?.transport.tryCancel(task.seq)) {
        // Not started: the worker will skip it when it gets there.
        const index = worker.inFlight.indexOf(task);
        worker.inFlight.splice(index, 1);
        if (index === 0) this.#headLeft(worker, performance.now());
        this.#settle(task, false, error);
      } else {
        this.#stopRunning(task, error);
      }
    }
  }

  /**
   * The head of a worker's list left it (answered, or cancelled before it started): the next one is running or about
   * to, so its timeout starts now; with none, the worker idles and no longer holds the process open.
   */
  #headLeft(worker: PoolWorker, now: number): void {
    if (worker.inFlight.length > 0) {
      worker.headSince = now;
      this.#armTimeout(worker);
    } else if (worker.retiring) {
      void this.#retire(worker);
    } else {
      worker.idleSince = now;
      worker.transport.unref();
    }
  }

  /**
   * Counts the wait of queued tasks against their timeout while their only prospect is an async init (a Promise export
   * of the module, see loadTaskModule): no worker has loaded the module, and one is running the init. Their timeout
   * otherwise counts from their start, so an init that never finishes would hold them forever. The worker is left
   * alone: the init is not the task's, and in a new worker it would only start over.
   */
  #armInitWaits(tasks: Iterable<Task>): void {
    if (this.#initialising === 0 || this.#workers.some((worker) => worker.ready && !worker.retiring)) return;
    for (const task of tasks) {
      // A task put back after its worker died keeps its own deadline (task.timer), which comes first.
      if (task.state !== QUEUED || task.timeout <= 0 || task.timer !== undefined || task.initWait !== undefined) {
        continue;
      }
      const timeout = task.timeout;
      this.#initWaits = true;
      task.initWait = setTimeout(() => {
        task.initWait = undefined;
        if (task.state !== QUEUED) return;
        this.#queue.removed();
        this.#settle(task, false, new TaskTimeoutError(timeout, 'thread', 'init'));
      }, timeout);
      // The starting worker holds the process open meanwhile.
      task.initWait.unref();
    }
  }

  /** A worker loaded the module: the queued tasks now wait for a thread, which their timeout does not count. */
  #clearInitWaits(): void {
    if (!this.#initWaits) return;
    this.#initWaits = false;
    for (const task of this.#queue) {
      if (task.initWait !== undefined) clearTimeout(task.initWait);
      task.initWait = undefined;
    }
  }

  /** Starts the timeout of the task at the head of a worker's list: it is running, or is next to. */
  #armTimeout(worker: PoolWorker): void {
    const task = worker.inFlight[0];
    if (task === undefined || task.timer !== undefined) return;
    const timeout = task.timeout;
    if (timeout <= 0) return;
    task.timer = setTimeout(() => {
      task.timer = undefined;
      if (task.state === QUEUED) {
        // Put back after its worker died before starting it (see #onExit), and waiting for another worker.
        this.#queue.removed();
        this.#settle(task, false, new TaskTimeoutError(timeout, this.#workerKind(), 'resent'));
      } else if (task.state === SENT) {
        const worker = this.#workerOf(task);
        if (worker !== undefined && worker.inFlight[0] !== task && worker.transport.tryCancel(task.seq)) {
          // Resent behind another task and not started: cancel it there, as an abort would; its worker goes on.
          worker.inFlight.splice(worker.inFlight.indexOf(task), 1);
          this.#settle(task, false, new TaskTimeoutError(timeout, this.#workerKind(), 'resent'));
        } else {
          this.#stopRunning(task, new TaskTimeoutError(timeout, this.#workerKind()));
        }
      }
    }, timeout);
    task.timer.unref();
  }

  /**
   * Fails the task that was at the head of `worker`'s list (running, or about to, since `headSince`) with no answer
   * from the worker (timeout, abort, its worker's death, destroy()): its run time counts up to now, in the stats and
   * onTiming alike, as a task that threw would; otherwise a pool busy with tasks that time out reads as idle.
   */
  #settleRunning(worker: PoolWorker, task: Task, error: Error): void {
    if (task.state === SETTLED) return;
    const now = performance.now();
    const runMs = now - worker.headSince;
    const waitMs = worker.headSince - task.enqueuedAt;
    this.stats.record(runMs, waitMs, false);
    if (task.onTiming !== undefined) {
      callback(task.onTiming, { waitMs: Math.max(0, waitMs), runMs, worker: worker.transport.id });
    }
    this.#settle(task, false, error, true);
  }

  #settle(task: Task, ok: boolean, value: unknown, measured = false): void {
    if (task.state === SETTLED) return;
    task.state = SETTLED;
    if (task.timer !== undefined) clearTimeout(task.timer);
    if (task.initWait !== undefined) clearTimeout(task.initWait);
    if (task.signal !== undefined) this.#aborts.delete(task, task.signal);
    if (!measured && !ok) this.stats.recordFailure();
    this.#pending--;
    if (ok) task.resolve(value);
    else task.reject(value);
    if (this.#awaitingRoom) this.#checkRoomSoon();
    if (this.#pending === 0) {
      this.#hooks.drain();
      this.#checkClosed();
    }
  }

  #checkClosed(): void {
    if (this.#closing === undefined || this.#pending > 0 || this.#destroyed) return;
    this.#destroyed = true;
    clearInterval(this.#idleTimer);
    clearTimeout(this.#closeTimer);
    this.#retry.stop();
    const closing = this.#closing;
    this.#stopped = Promise.all([...this.#workers].map((worker) => this.#retire(worker))).then(() => closing.resolve());
  }

  #forget(worker: PoolWorker): void {
    worker.gone = true;
    clearTimeout(worker.startTimer);
    worker.startTimer = undefined;
    if (worker.initialising) {
      worker.initialising = false;
      this.#initialising--;
    }
    const index = this.#workers.indexOf(worker);
    if (index === -1) return;
    if (worker.retiring) this.#retiring--;
    this.#workers.splice(index, 1);
    this.#hooks.workerDestroy(worker.transport.id);
    // Closed before any worker loaded: nothing waits on this pool's tasks any more.
    if (this.#workers.length === 0 && this.closed) this.firstLoad?.settle();
  }

  /**
   * Stops a worker and forgets it. Its callers settle the tasks it held first; any still held reject with `error`
   * (a ThreadExitedError by default): a retired worker never answers, and a task left in its list would never settle.
   * None is put back in the queue: it may have started, and must not run twice.
   */
  #retire(worker: PoolWorker, error?: Error): Promise<void> {
    if (!worker.ready && !worker.gone) this.#starting--;
    this.#forget(worker);
    const held = worker.inFlight.splice(0);
    const stopped = worker.transport.terminate();
    for (const task of held) this.#settle(task, false, error ?? new ThreadExitedError('it was stopped by the pool'));
    return stopped;
  }

  /**
   * Whether the pool would start a worker if it could: below minThreads, or tasks waiting for a thread (see
   * #waitingForThreads) with room below maxThreads.
   */
  #lacksThread(): boolean {
    const live = this.#live();
    if (live < this.#options.minThreads) return true;
    return live < this.#options.maxThreads && this.#waitingForThreads() > 0;
  }

  /** The retry timer fired: starts what the pool lacks, one worker at a time. */
  #onRetryDue(): void {
    this.#replenish();
    // Nothing asked for the start (the tasks it was armed for were served meanwhile): no retry is owed any more. One
    // still due while a worker starts stays owed: the next start takes it, and that worker's proof of the module or
    // its failure (#retry.reset, #retry.failed) ends it.
    if (this.#retry.due && this.#starting === 0) this.#retry.stop();
  }

  /** Keeps minThreads alive after a worker left, and starts one for waiting tasks. */
  #replenish(): void {
    while (this.#live() < this.#options.minThreads) {
      if (!this.#mayStart() || this.#spawn() !== undefined) return;
    }
    this.#grow();
  }

  /** Retires workers above minThreads that sat idle past idleTimeout; one unref'd timer, only while there are any. */
  #checkIdle(): void {
    if (this.#idleTimer !== undefined || this.#live() <= this.#options.minThreads) return;
    if (this.#options.idleTimeout === Number.POSITIVE_INFINITY) return;
    const every = Math.max(50, Math.min(1000, this.#options.idleTimeout / 2));
    this.#idleTimer = setInterval(() => {
      const now = performance.now();
      for (const worker of [...this.#workers]) {
        if (this.#live() <= this.#options.minThreads) break;
        if (worker.ready && worker.inFlight.length === 0 && now - worker.idleSince >= this.#options.idleTimeout) {
          void this.#retire(worker);
        }
      }
      if (this.#live() <= this.#options.minThreads) {
        clearInterval(this.#idleTimer);
        this.#idleTimer = undefined;
      }
    }, every);
    this.#idleTimer.unref();
  }
}

/**
 * A task that must be first on a worker holding nothing: one with a transfer list (see #batchFrom), and a suspect of a
 * worker's death (see #onExit), so that if its next worker dies before starting anything, the blame is its alone.
 */
function alone(task: Task | undefined): boolean {
  return task !== undefined && (task.transfer !== undefined || task.suspect);
}

/** Calls a caller's callback; one that throws is the caller's bug and surfaces as such, without corrupting the pool. */
function callback<T>(fn: (value: T) => void, value: T): void {
  try {
    fn(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
