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

let fns: Awaited<ReturnType<typeof loadTaskModule>>;
try {
  fns = await loadTaskModule(filename);
} catch (error) {
  port.postMessage([LOAD_FAILED, serializeError(error)] satisfies WorkerMessage);
  // The parent terminates this thread; nothing more to do here.
  await new Promise(() => {});
  throw error;
}

const runner = new TaskRunner(
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

port.on('message', (batch: Batch) => {
  runner.push(batch);
  // Take every batch already waiting in one go, so one wake-up serves them all.
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
    runner.push(next.message as Batch);
  }
  runner.kick();
});
port.postMessage([READY, [...fns.keys()]] satisfies WorkerMessage);
