import { performance } from 'node:perf_hooks';
import { describeValue, InvalidArgumentError } from '../errors.js';

/** Default wait before the first retry after worker starts failed (ms): the `startRetry.delay` option. */
export const RETRY_FIRST_MS = 1000;
/**
 * Default longest wait between retries (ms), `startRetry.maxDelay`: a module that stays broken costs one start this
 * often.
 */
export const RETRY_MAX_MS = 30_000;

/**
 * Default bound on a worker's start (ms): from its spawn to its first sign of life (a thread's 'online', a child
 * process's first message), before it loads the task module, whose time is the module's and is not bounded. Node boots
 * in well under a second even on a loaded machine; a child short of threads (`ulimit -u`, a container's pids limit)
 * can instead sleep for ever in Node's startup, never to say a word. Past the bound the worker is killed and counts as
 * a failed start.
 */
export const START_TIMEOUT_MS = 30_000;
/** Env var of the pool's process that replaces {@link START_TIMEOUT_MS}: for machines where Node boots slowly (an emulator). */
export const START_TIMEOUT_ENV = 'HIVE_POOL_START_TIMEOUT';

/**
 * The start bound in ms: HIVE_POOL_START_TIMEOUT, else the default. A value that is not an integer from 1 to 2147483647
 * (empty counts as unset) is refused: read as unset, a bound asked for would silently be another one.
 */
export function startTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const value = env[START_TIMEOUT_ENV];
  if (value === undefined || value === '') return START_TIMEOUT_MS;
  const ms = /^\s*[1-9]\d*\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(ms <= 2_147_483_647)) {
    throw new InvalidArgumentError(
      `Expected ${START_TIMEOUT_ENV} to be an integer from 1 to 2147483647 (ms a pool worker may take to start), got ${describeValue(value)}`,
    );
  }
  return ms;
}

/** The waits of the `startRetry` option, or `false` for no timed retry. */
export type StartRetryOptions = { delay: number; maxDelay: number } | false;

/** The wait before the next retry, after `failed` retries failed in a row: doubling from the first, capped. */
export function retryDelay(failed: number, first = RETRY_FIRST_MS, max = RETRY_MAX_MS): number {
  // The exponent is bounded so that the product stays a finite number however long the module stays broken.
  return Math.min(max, first * 2 ** Math.min(failed, 31));
}

/**
 * The timer of a pool whose workers failed to start: it says when the pool may try one more start. Unref'd, so an idle
 * pool waiting to retry never holds the process open (a pool with tasks waiting always has a worker that does).
 * With `startRetry: false` it is never armed, so it never says so.
 */
export class StartRetry {
  readonly #fire: () => void;
  readonly #waits: StartRetryOptions;
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (performance.now() time). */
  #dueAt = 0;
  #failed = 0;
  #due = false;

  /** `fire` runs when a retry becomes due, to start the worker. */
  constructor(fire: () => void, waits: StartRetryOptions = { delay: RETRY_FIRST_MS, maxDelay: RETRY_MAX_MS }) {
    this.#fire = fire;
    this.#waits = waits;
  }

  /** The wait is over: one worker may start. */
  get due(): boolean {
    return this.#due;
  }

  /**
   * A retry is owed: the timer is armed, or it fired and the start has not happened yet (another worker was starting;
   * the pool starts one at a time while retrying).
   */
  get pending(): boolean {
    return this.#timer !== undefined || this.#due;
  }

  /** Ms until the armed timer fires, or undefined when none is armed. */
  get dueIn(): number | undefined {
    return this.#timer === undefined ? undefined : Math.max(0, this.#dueAt - performance.now());
  }

  /** Starts the wait for the next retry, unless one is already waited for or due (or timed retries are off). */
  arm(): void {
    if (this.#timer !== undefined || this.#due || this.#waits === false) return;
    const wait = retryDelay(this.#failed, this.#waits.delay, this.#waits.maxDelay);
    this.#dueAt = performance.now() + wait;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#due = true;
      this.#fire();
    }, wait);
    this.#timer.unref();
  }

  /** A retry's worker was started: the next one waits again. */
  taken(): void {
    this.#due = false;
  }

  /** Another start failed while retrying: the next retry waits twice as long (up to the cap). */
  failed(): void {
    this.stop();
    this.#failed++;
  }

  /** A worker loaded the module: the next failure starts from the first, shortest wait. */
  reset(): void {
    this.stop();
    this.#failed = 0;
  }

  /** No retry any more (the pool is closed, or a worker loaded). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = false;
  }
}
