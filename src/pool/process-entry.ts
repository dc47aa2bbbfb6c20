// Runs inside each child process of a pool with `isolation: 'process'`: the same protocol as a thread, over IPC.
import { writeSync } from 'node:fs';
import { startHostWatchdog } from './host-watchdog.js';
import { ownViews } from './own-views.js';
import { decodeFromProcess, encodeForProcess } from './process-codec.js';
import { CLAIM_PIPE_FD, INIT, PROGRESS, READY, RESULT, UP, type WorkerInit, type WorkerMessage } from './protocol.js';
import { serveTasks } from './serve-tasks.js';
import { UndeliverableInput } from './task-runner.js';
import { enterPoolWorker } from './worker-data.js';

let token = '';
/**
 * A message's value goes as bytes Hive encoded (process-codec): a value the channel would make {} throws here, into
 * the task runner's clone-error paths, and the pool decodes the bytes where a failure is the task's alone.
 */
const send = (message: WorkerMessage) => {
  if (message[0] !== READY && message[0] !== INIT && message[0] !== UP) {
    const what = message[0] === RESULT ? 'result' : message[0] === PROGRESS ? 'progress value' : 'error';
    message = [...message] as WorkerMessage;
    message[1] = encodeForProcess(message[1], what);
  }
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
  // Node booted and the channel works: the pool's bound on this child's start ends here, before the module loads
  // (which may legitimately take long).
  send([UP]);
  // Typed arrays (in workerData and inputs) came as views into the message's buffer: each gets a buffer of its own.
  enterPoolWorker(ownViews(init.workerData));
  const runner = await serveTasks(init.filename, send, claim);
  if (runner === undefined) return;
  const onBatch = ([names, encoded]: [(string | undefined)[] | undefined, unknown[]]) => {
    // Each input decoded alone, here rather than by the channel: one it cannot read fails its task, not the child.
    const inputs = encoded.map((bytes) => {
      try {
        return decodeFromProcess(bytes);
      } catch (error) {
        return new UndeliverableInput(error);
      }
    });
    runner.push([names, inputs]);
    runner.kick();
  };
  process.on('message', onBatch);
  // A task's process.removeAllListeners('message') (or removeAllListeners()) left the child deaf: every later task
  // sent to it waited for ever (or for its timeout). The pool's listener goes back as soon as it is taken.
  process.on('removeListener', (event, listener) => {
    if (event === 'message' && listener === onBatch) process.on('message', onBatch);
  });
});
