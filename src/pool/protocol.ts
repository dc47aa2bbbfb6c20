import type { MessagePort } from 'node:worker_threads';

/**
 * Messages between the pool (parent side) and a worker (thread or child process). Arrays rather than objects: the
 * hot path structured-clones one per task, and short arrays are the cheapest shape to clone.
 *
 * Parent -> worker: a batch `[names, inputs]` (`names` undefined when every task uses the default export). The worker
 * runs a batch's tasks one at a time, in order, and streams one message back per task, so results map to tasks by
 * order: no ids cross the channel.
 *
 * Worker -> parent: `[RESULT, value, runMs]`, `[FAILURE, serializedError, runMs]`, `[PROGRESS, value]`,
 * `[READY, functionExportNames]` once the task module loaded, `[LOAD_FAILED, serializedError]` when it did not, and
 * `[INIT]` before READY when the module was imported and the worker awaits its Promise exports (an async init), and
 * (threads only) `[RESEND]` in place of an answer for a task whose batch the thread could not deserialize (see
 * BATCH_SIZE), and (child processes only) `[UP]` first of all, as soon as the child reads its first message: Node has
 * booted, before the module loads (a thread's equivalent is its Worker's 'online' event; see Scheduler's start bound).
 */
export const RESULT = 0;
export const FAILURE = 1;
export const PROGRESS = 2;
export const READY = 3;
export const LOAD_FAILED = 4;
export const INIT = 5;
export const RESEND = 6;
export const UP = 7;

export type Batch = [names: (string | undefined)[] | undefined, inputs: unknown[]];
export type WorkerMessage =
  | [typeof RESULT, unknown, number]
  | [typeof FAILURE, unknown, number]
  | [typeof PROGRESS, unknown]
  | [typeof READY, string[]]
  | [typeof LOAD_FAILED, unknown]
  | [typeof INIT]
  | [typeof RESEND]
  | [typeof UP];

/** The shape of a WorkerMessage, for a channel others may write to (a child process's IPC channel). */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (!Array.isArray(value)) return false;
  switch (value[0]) {
    case RESULT:
    case FAILURE:
      return value.length === 3 && typeof value[2] === 'number';
    case PROGRESS:
    case LOAD_FAILED:
      return value.length === 2;
    case READY:
      return value.length === 2 && Array.isArray(value[1]);
    case INIT:
    case UP:
      return value.length === 1;
    default:
      return false;
  }
}

/**
 * Thread workers share a ring of task states with the parent, one Int32 per in-flight task (slot = seq % RING_SIZE).
 * The worker claims a task (PENDING -> STARTED) before running it; the parent cancels or steals a task that has not
 * started (PENDING -> CANCELLED). Both sides use compareExchange, so exactly one wins: a task is never both run and
 * handed elsewhere, which is what lets the pool batch without ever running a task twice.
 */
export const RING_SIZE = 256;
export const RING_MASK = RING_SIZE - 1;
export const PENDING = 0;
export const STARTED = 1;
export const CANCELLED = 2;
/**
 * Index of the doorbell after the ring: the parent bumps it and notifies after each batch it posts, so a thread that
 * just ran out of work can wait for the next batch briefly with Atomics.wait (a futex wake) instead of returning to
 * its event loop and being woken through it, which costs more per round trip.
 */
export const DOORBELL = RING_SIZE;
/**
 * A message that the receiving side cannot deserialize (nested deeper than its stack can follow, when the sender's
 * stack is bigger) is dropped by Node, which emits 'messageerror' in its place; the order of the others holds. Since
 * nothing in a message names its task, each side learns from the ring which one was lost.
 *
 * Result side: from this index, one Int32 per slot counts the messages the thread began to post for the task in that
 * slot (`count << 1`), plus 1 once one of them is its answer (RESULT or FAILURE). The thread bumps it before each
 * post, so when the pool's thread finds its message for the head task lost, having heard `n` of that task's messages
 * (the lost one included), the lost one was the answer exactly when the count reads `n << 1 | 1`: else the answer is
 * still to come, and the lost one was a progress value.
 */
export const POSTED = DOORBELL + 1;
/**
 * Input side: from this index, one Int32 per slot holds the size of the batch whose first task has that slot, written
 * by the pool before it posts the batch, so that a thread that could not deserialize a batch knows how many seqs it
 * held: it answers each of them in order (a FAILURE for a batch of one, else RESEND, and the pool sends those tasks
 * again one per message), and its seqs stay in step with the pool's.
 */
export const BATCH_SIZE = POSTED + RING_SIZE;
/** Int32 length of the shared ring: states, the doorbell, POSTED and BATCH_SIZE. */
export const RING_LENGTH = BATCH_SIZE + RING_SIZE;
/**
 * Upper bound on the seqs a thread may still reach: those sent and not answered, and those cancelled that it has not
 * skipped yet (PoolWorker.room). Under RING_SIZE, so two seqs the thread may still reach never share a slot.
 */
export const MAX_IN_FLIGHT = RING_SIZE / 2;

/** The first message on a pool thread's parentPort: its task port, the shared ring of task states, the module. */
export interface ThreadInit {
  port: MessagePort;
  ring: Int32Array;
  filename: string;
}

/**
 * The fd, in each pool child process, of a pipe whose other end only the pool's process holds: the kernel closes it
 * when that process ends, however it ends (SIGKILL included), which the child's watchdog thread waits for.
 */
export const HOST_PIPE_FD = 4;

/**
 * The fd, in each pool child process, of the pipe on which it claims each task before starting it (one byte per task,
 * written synchronously: see process-entry): what tells the pool, once the child died, which tasks it had not started.
 */
export const CLAIM_PIPE_FD = 5;

/** The first message to a pool's child process. */
export interface WorkerInit {
  filename: string;
  workerData: unknown;
  /**
   * Sent back with every message of the child, as `[token, message]`: the IPC channel is also the task's own
   * (`process.send()` in a task, or a library it uses), and the pool must neither take such a message for an answer
   * nor choke on it.
   */
  token: string;
}
