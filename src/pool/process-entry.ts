// Runs inside each child process of a pool with `isolation: 'process'`: the same protocol as a thread, over IPC.
import { startHostWatchdog } from './host-watchdog.js';
import { loadTaskModule } from './load-task-module.js';
import { type Batch, INIT, LOAD_FAILED, READY, type WorkerInit, type WorkerMessage } from './protocol.js';
import { sendError } from './serialized-error.js';
import { TaskRunner } from './task-runner.js';
import { enterPoolWorker } from './worker-data.js';

let token = '';
const send = (message: WorkerMessage) => {
  process.send?.([token, message]);
};
// The pool's death closes the channel: never outlive it. The watchdog covers a child busy in a synchronous task.
process.on('disconnect', () => process.exit(0));
startHostWatchdog();

process.once('message', async (init: WorkerInit) => {
  let fns: Awaited<ReturnType<typeof loadTaskModule>>;
  token = init.token;
  enterPoolWorker(init.workerData);
  try {
    fns = await loadTaskModule(init.filename, () => send([INIT]));
  } catch (error) {
    sendError((serialized) => send([LOAD_FAILED, serialized]), error);
    return;
  }
  // No shared memory across processes: the pool sends one task at a time, so every task received is claimed.
  const runner = new TaskRunner(init.filename, fns, send, () => true);
  process.on('message', (batch: Batch) => {
    runner.push(batch);
    runner.kick();
  });
  send([READY, [...fns.keys()]]);
});
