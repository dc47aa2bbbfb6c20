import type { TransferListItem } from 'node:worker_threads';

export const QUEUED = 0;
export const SENT = 1;
export const SETTLED = 2;

/** One call to `pool.run()`, from acceptance to settlement. A plain record: the scheduler owns its life cycle. */
export class Task {
  state: typeof QUEUED | typeof SENT | typeof SETTLED = QUEUED;
  /** Position in its worker's stream of tasks, once sent. */
  seq = -1;
  timer: NodeJS.Timeout | undefined = undefined;
  abortListener: (() => void) | undefined = undefined;

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
