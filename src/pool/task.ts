import type { TransferListItem } from 'node:worker_threads';

/** Where a finished task's time went, for `run()`'s `onTiming` (e.g. a Server-Timing header). */
export interface TaskTiming {
  /** From `run()` to the task's start, ms. */
  waitMs: number;
  /** The task's run time inside the worker, ms. */
  runMs: number;
  /** The worker that ran it: its thread id, or its process id with `isolation: 'process'`. */
  worker: number;
}

export const QUEUED = 0;
export const SENT = 1;
export const SETTLED = 2;

/** One call to `pool.run()`, from acceptance to settlement. A plain record: the scheduler owns its life cycle. */
export class Task {
  state: typeof QUEUED | typeof SENT | typeof SETTLED = QUEUED;
  /** Position in its worker's stream of tasks, once sent. */
  seq = -1;
  /**
   * Its timeout, from when it first reached the head of a worker's list (running, or next to). It keeps running when
   * the task is put back in the queue after its worker died, so `timeout` bounds the task however often it is resent;
   * a shrink that takes the task back unstarted clears it (see Scheduler's #shrink), as the task has not started.
   */
  timer: NodeJS.Timeout | undefined = undefined;
  /** While queued with only a worker's async init to wait for, that wait counts against its timeout (Scheduler). */
  initWait: NodeJS.Timeout | undefined = undefined;
  /**
   * A worker died with this task as the first one it had not started, and nothing running: its input (decoded before
   * the claim, e.g. out of memory) may be what killed it. It runs elsewhere once; a second such death rejects it.
   */
  suspect = false;
  /**
   * 'death': its timeout was running when its worker died before starting it, and keeps running (see `timer`) however
   * it moves after (a shrink does not restart it); should it expire unstarted, the error names that death.
   */
  putBack: 'death' | undefined = undefined;
  /**
   * One of its progress values could not be deserialized on the pool's side (see Scheduler's #onLost): the task runs
   * on, and rejects with this once it ends, whatever it returns.
   */
  lost: Error | undefined = undefined;
  /**
   * It was in a batch its thread could not deserialize: it is sent in a message of its own from now on, so that only
   * the task whose input cannot be read fails with it.
   */
  single = false;
  /** `run()`'s onTiming, set after construction: rarely used, so it stays out of the constructor's hot signature. */
  onTiming: ((timing: TaskTiming) => void) | undefined = undefined;

  constructor(
    readonly input: unknown,
    readonly name: string | undefined,
    readonly transfer: TransferListItem[] | undefined,
    readonly signal: AbortSignal | undefined,
    readonly timeout: number,
    readonly onProgress: ((value: unknown) => void) | undefined,
    readonly enqueuedAt: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (reason: unknown) => void,
  ) {}
}
