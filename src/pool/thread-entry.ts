// Runs inside each pool thread: loads the task module, then runs the batches the pool sends.
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { loadTaskModule } from './load-task-module.js';
import {
  type Batch,
  CANCELLED,
  LOAD_FAILED,
  PENDING,
  READY,
  RING_MASK,
  STARTED,
  type WorkerMessage,
} from './protocol.js';
import { serializeError } from './serialized-error.js';
import { TaskRunner } from './task-runner.js';

const { port, ring, filename } = workerData as { port: MessagePort; ring: Int32Array; filename: string };

// Listen before loading: the listener keeps the thread alive while an async loader (tsx) works, and batches that
// arrive early wait here.
const early: Batch[] = [];
let runner: TaskRunner | undefined;
port.on('message', (batch: Batch) => {
  if (runner === undefined) {
    early.push(batch);
    return;
  }
  runner.push(batch);
  // Take every batch already waiting in one go, so one wake-up serves them all.
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
    runner.push(next.message as Batch);
  }
  runner.kick();
});

try {
  const fns = await loadTaskModule(filename);
  runner = new TaskRunner(
    filename,
    fns,
    (message, transfer) => port.postMessage(message, transfer),
    (seq) => {
      const slot = seq & RING_MASK;
      if (Atomics.compareExchange(ring, slot, PENDING, STARTED) === PENDING) return true;
      // Cancelled or moved by the parent: free the slot for reuse and skip the task.
      Atomics.compareExchange(ring, slot, CANCELLED, PENDING);
      return false;
    },
  );
  port.postMessage([READY, [...fns.keys()]] satisfies WorkerMessage);
  for (const batch of early.splice(0)) runner.push(batch);
  runner.kick();
} catch (error) {
  // The parent terminates this thread on LOAD_FAILED.
  port.postMessage([LOAD_FAILED, serializeError(error)] satisfies WorkerMessage);
}
