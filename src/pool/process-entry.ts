// Runs inside each child process of a pool with `isolation: 'process'`: the same protocol as a thread, over IPC.
import { writeSync } from 'node:fs';
import { startHostWatchdog } from './host-watchdog.js';
import { ownViews } from './own-views.js';
import { type Batch, CLAIM_PIPE_FD, type WorkerInit, type WorkerMessage } from './protocol.js';
import { serveTasks } from './serve-tasks.js';
import { enterPoolWorker } from './worker-data.js';

let token = '';
const send = (message: WorkerMessage) => {
  process.send?.([token, message]);
};
// The pool's death closes the channel: never outlive it. The watchdog covers a child busy in a synchronous task.
process.on('disconnect', () => process.exit(0));
startHostWatchdog();

const claimed = Buffer.from([1]);

/**
 * Tells the pool that the next task starts, before it does: one byte on a pipe of its own, written synchronously (the
 * child's end is blocking), so it reaches the pool even when the task then kills the process at once, which a message
 * on the IPC channel (queued behind others) would not. The pool counts the bytes: a task it sent beyond that count had
 * not started when the child died, and runs elsewhere (ProcessTransport.tryCancel). A write that fails leaves the task
 * unstarted: the throw ends the child, and the pool, which got no byte, runs the task elsewhere.
 */
function claim(): boolean {
  for (;;) {
    try {
      writeSync(CLAIM_PIPE_FD, claimed);
      return true;
    } catch (error) {
      // Only a full pipe (the pool's event loop blocked for thousands of tasks) would do this: wait for room.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

process.once('message', async (init: WorkerInit) => {
  token = init.token;
  // Typed arrays (in workerData and inputs) came as views into the message's buffer: each gets a buffer of its own.
  enterPoolWorker(ownViews(init.workerData));
  const runner = await serveTasks(init.filename, send, claim);
  if (runner === undefined) return;
  process.on('message', (batch: Batch) => {
    ownViews(batch[1]);
    runner.push(batch);
    runner.kick();
  });
});
