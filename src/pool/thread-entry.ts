// Runs inside each pool thread: loads the task module, then runs the batches the pool sends.

import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  type Batch,
  CANCELLED,
  DOORBELL,
  PENDING,
  RING_MASK,
  STARTED,
  type ThreadInit,
  type WorkerMessage,
} from './protocol.js';
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
/**
 * How long an idle thread waits on the doorbell for the next batch before going back to its event loop (ms).
 * HIVE_POOL_ATOMICS=0 turns the wait off (piscina's PISCINA_DISABLE_ATOMICS, for the same reason: a task's timers
 * may fire up to this much later while the thread waits).
 */
const IDLE_WAIT_MS = process.env.HIVE_POOL_ATOMICS === '0' ? 0 : 1;
/** Most time one turn of the event loop spends running and waiting, so timers and I/O of tasks still get turns. */
const TURN_BUDGET_MS = 5;
let turnStart = 0;

/** Moves every batch already waiting into the runner: one wake-up serves them all. */
function pull(): boolean {
  let pulled = false;
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
    runner?.push(next.message as Batch);
    pulled = true;
  }
  return pulled;
}

function waitForMore(): boolean {
  // Read the doorbell before looking at the port: a batch posted in between changes it, and the wait returns at once.
  const seen = Atomics.load(ring, DOORBELL);
  if (pull()) return true;
  if (IDLE_WAIT_MS === 0 || performance.now() - turnStart > TURN_BUDGET_MS) return false;
  Atomics.wait(ring, DOORBELL, seen, IDLE_WAIT_MS);
  return pull();
}

port.on('message', (batch: Batch) => {
  if (runner === undefined) {
    early.push(batch);
    return;
  }
  turnStart = performance.now();
  runner.push(batch);
  pull();
  runner.kick();
});

// The parent terminates this thread on LOAD_FAILED (runner undefined).
runner = await serveTasks(
  filename,
  (message: WorkerMessage, transfer) => port.postMessage(message, transfer),
  (seq) => {
    const slot = seq & RING_MASK;
    if (Atomics.compareExchange(ring, slot, PENDING, STARTED) === PENDING) return true;
    // Cancelled or moved by the parent: free the slot for reuse and skip the task.
    Atomics.compareExchange(ring, slot, CANCELLED, PENDING);
    return false;
  },
  waitForMore,
);
if (runner !== undefined) {
  for (const batch of early.splice(0)) runner.push(batch);
  runner.kick();
}
