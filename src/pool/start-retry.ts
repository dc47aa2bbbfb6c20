/** Wait before the first retry after worker starts failed (ms). */
export const RETRY_FIRST_MS = 1000;
/** Longest wait between retries (ms): a module that stays broken costs one worker start this often. */
export const RETRY_MAX_MS = 30_000;

/** The wait before the next retry, after `failed` retries failed in a row: doubling from the first, capped. */
export function retryDelay(failed: number): number {
  // The exponent is bounded so that the product stays a finite number however long the module stays broken.
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(failed, 20));
}

/**
 * The timer of a pool whose workers failed to start: it says when the pool may try one more start. Unref'd, so an idle
 * pool waiting to retry never holds the process open (a pool with tasks waiting always has a worker that does).
 */
export class StartRetry {
  readonly #fire: () => void;
  #timer: NodeJS.Timeout | undefined;
  #failed = 0;
  #due = false;

  /** `fire` runs when a retry becomes due, to start the worker. */
  constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** The wait is over: one worker may start. */
  get due(): boolean {
    return this.#due;
  }

  /** Starts the wait for the next retry, unless one is already waited for or due. */
  arm(): void {
    if (this.#timer !== undefined || this.#due) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#due = true;
      this.#fire();
    }, retryDelay(this.#failed));
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
