import type { ResourceLimits, TransferListItem } from 'node:worker_threads';
import type { WorkerMessage } from './protocol.js';

/**
 * The parent side of one pool worker, a thread or a child process: the pool's scheduler talks to both through this.
 */
export interface WorkerTransport {
  /** Most tasks this worker may hold unanswered; 1 where tasks cannot be cancelled before they start. */
  readonly maxInFlight: number;
  /** The worker's thread id, or its process id. */
  readonly id: number;
  /** Sends a batch; the seqs it occupies are the next `inputs.length` ones. Throws if an input cannot be cloned. */
  post(names: (string | undefined)[] | undefined, inputs: unknown[], transfer: TransferListItem[] | undefined): void;
  /** Takes back a sent task that has not started; false when it already started. */
  tryCancel(seq: number): boolean;
  /** Marks a task's ring slot free once its answer arrived. */
  release(seq: number): void;
  /** Whether the worker has reached a task cancelled with {@link tryCancel} and skipped it, freeing its slot. */
  skipped(seq: number): boolean;
  /**
   * After {@link TransportEvents.lost}, with the seq of the task answered next (the one the lost message was for):
   * whether the lost message was its answer (RESULT or FAILURE), rather than one of its progress values. Only a
   * thread's transport reports lost messages.
   */
  lostAnswer?(seq: number): boolean;
  /** Delivers every message that has already arrived, synchronously, before a decision that depends on them. */
  drain(): void;
  /** Ends the worker now; resolves once it is gone. Its exit is not reported. */
  terminate(): Promise<void>;
  ref(): void;
  unref(): void;
}

/** What a transport reports to its owner. */
export interface TransportEvents {
  message(message: WorkerMessage): void;
  /**
   * A message of the worker could not be deserialized here (nested deeper than this thread's stack can follow): Node
   * dropped it. Messages keep their order, so it was one of the task answered next; see WorkerTransport.lostAnswer.
   */
  lost(cause: unknown): void;
  /**
   * The worker is up: Node booted in it (a thread's 'online', a child process's first message), before it loads the
   * task module. Once at most; the pool bounds the wait for it (see Scheduler's start bound).
   */
  up(): void;
  /** Every message that had arrived has been delivered: a good moment to send more work. */
  drained(): void;
  /**
   * The worker ended on its own (crash, exit, out of memory). `outOfMemory`: it ran out of heap (a thread's
   * ERR_WORKER_OUT_OF_MEMORY, a child process's V8 fatal out-of-memory abort).
   */
  exit(detail: string, cause: unknown, outOfMemory: boolean): void;
}

export interface TransportOptions {
  filename: string;
  resourceLimits: ResourceLimits | undefined;
  env: NodeJS.ProcessEnv | undefined;
  execArgv: string[] | undefined;
  argv: string[] | undefined;
  workerData: unknown;
}
