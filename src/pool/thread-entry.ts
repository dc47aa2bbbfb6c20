// Runs inside each pool thread: loads the task module, then runs the batches the pool sends.

import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  type TransferListItem,
  workerData,
} from 'node:worker_threads';
import { DataCloneError } from './errors.js';
import {
  BATCH_SIZE,
  type Batch,
  CANCELLED,
  DOORBELL,
  FAILURE,
  PENDING,
  POSTED,
  PROGRESS,
  RESEND,
  RING_MASK,
  STARTED,
  type ThreadInit,
  type WorkerMessage,
} from './protocol.js';
import { serializeError } from './serialized-error.js';
import { serveTasks } from './serve-tasks.js';
import type { TaskRunner } from './task-runner.js';
import { enterPoolWorker } from './worker-data.js';

// Node's workerData is the pool's `workerData` option (as in piscina); the pool's own start data comes first on
// parentPort, posted right after the thread was created.
const [{ port, ring, filename }] = (await once(parentPort as MessagePort, 'message')) as [ThreadInit];
enterPoolWorker(workerData);

// Listen before loading: the listener keeps the thread alive while an async loader (tsx) works, and batches that
// arrive early wait here.
const early: Batch[] = [];
let runner: TaskRunner | undefined;
/** Tasks in the batches received so far, those lost included: the seq of the next batch's first task. */
let received = 0;
/**
 * Batches this thread could not deserialize, as `[from, to, size, cause]` runs of seqs, oldest first: their tasks are
 * answered in their turn (see claim), so that every later answer still goes to its own task.
 */
const lost: [from: number, to: number, size: number, cause: unknown][] = [];
/** The seq of the task whose messages go out now: the last one claimed. */
let current = -1;
/**
 * How long an idle thread waits on the doorbell for the next batch before going back to its event loop (ms).
 * HIVE_POOL_ATOMICS=0 turns the wait off (piscina's PISCINA_DISABLE_ATOMICS, for the same reason: a task's timers
 * may fire up to this much later while the thread waits).
 */
const IDLE_WAIT_MS = process.env.HIVE_POOL_ATOMICS === '0' ? 0 : 1;
/** Most time one turn of the event loop spends running and waiting, so timers and I/O of tasks still get turns. */
const TURN_BUDGET_MS = 5;
let turnStart = 0;

function accept(batch: Batch): void {
  received += batch[1].length;
  if (runner === undefined) early.push(batch);
  else runner.push(batch);
}

/**
 * A batch that could not be deserialized (Node dropped it): its seqs still take their turn, as placeholders that
 * claim answers without running (see claim). Its size comes from the pool, through the ring.
 */
function lose(cause: unknown): void {
  const size = Atomics.load(ring, BATCH_SIZE + (received & RING_MASK));
  lost.push([received, received + size, size, cause]);
  accept([undefined, new Array<unknown>(size)]);
}

/** Moves every batch already waiting into the runner: one wake-up serves them all. */
function pull(): boolean {
  let pulled = false;
  for (;;) {
    let next: { message: unknown } | undefined;
    try {
      next = receiveMessageOnPort(port);
    } catch (cause) {
      // Thrown for a message that could not be deserialized, which is gone; those after it are still there.
      lose(cause);
      pulled = true;
      continue;
    }
    if (next === undefined) return pulled;
    accept(next.message as Batch);
    pulled = true;
  }
}

function waitForMore(): boolean {
  // Read the doorbell before looking at the port: a batch posted in between changes it, and the wait returns at once.
  const seen = Atomics.load(ring, DOORBELL);
  if (pull()) return true;
  if (IDLE_WAIT_MS === 0 || performance.now() - turnStart > TURN_BUDGET_MS) return false;
  Atomics.wait(ring, DOORBELL, seen, IDLE_WAIT_MS);
  return pull();
}

function onBatch(): void {
  if (runner === undefined) return;
  turnStart = performance.now();
  pull();
  runner.kick();
}

port.on('message', (batch: Batch) => {
  accept(batch);
  onBatch();
});
port.on('messageerror', (cause) => {
  lose(cause);
  onBatch();
});

const send = (message: WorkerMessage, transfer?: readonly TransferListItem[]): void => {
  if (message[0] > PROGRESS) {
    port.postMessage(message, transfer);
    return;
  }
  // Counted before the post, undone if it throws: see POSTED.
  const count = POSTED + (current & RING_MASK);
  const step = message[0] === PROGRESS ? 2 : 3;
  Atomics.add(ring, count, step);
  try {
    port.postMessage(message, transfer);
  } catch (error) {
    Atomics.sub(ring, count, step);
    throw error;
  }
};

/** Answers a claimed task of a batch that was lost: it cannot run, its input never arrived. */
function answerLost(size: number, cause: unknown): void {
  if (size > 1) {
    // Any of the batch's inputs may be the one: the pool sends each again on its own, and only that one fails.
    send([RESEND]);
    return;
  }
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  const error = new DataCloneError(
    'input',
    new Error(`the thread could not deserialize it (nested too deep for its stack?)${reason}`, { cause }),
  );
  send([FAILURE, serializeError(error), 0]);
}

// The parent terminates this thread on LOAD_FAILED (runner undefined).
runner = await serveTasks(
  filename,
  send,
  (seq) => {
    const slot = seq & RING_MASK;
    if (Atomics.compareExchange(ring, slot, PENDING, STARTED) !== PENDING) {
      // Cancelled or moved by the parent: free the slot for reuse and skip the task.
      Atomics.compareExchange(ring, slot, CANCELLED, PENDING);
      return false;
    }
    current = seq;
    Atomics.store(ring, POSTED + slot, 0);
    if (lost.length === 0) return true;
    while (lost.length > 0 && seq >= lost[0]![1]) lost.shift();
    const batch = lost[0];
    if (batch === undefined || seq < batch[0]) return true;
    answerLost(batch[2], batch[3]);
    return false;
  },
  waitForMore,
);
if (runner !== undefined) {
  for (const batch of early.splice(0)) runner.push(batch);
  runner.kick();
}
