import { Worker } from 'node:worker_threads';
import { HOST_PIPE_FD } from './protocol.js';

// CommonJS for `eval: true`; SIGKILL because the child's main thread may be stuck in a synchronous task, where neither
// process.exit() from here (it would end only this thread) nor a signal handled on the event loop would reach it.
const source = `
const { Socket } = require('node:net');
const pipe = new Socket({ fd: ${HOST_PIPE_FD}, readable: true, writable: false });
pipe.on('data', () => {});
pipe.on('error', () => {});
pipe.on('close', () => process.kill(process.pid, 'SIGKILL'));
`;

/**
 * Runs inside a pool child process: a thread that ends the process once the pool's process is gone. The IPC channel's
 * 'disconnect' says the same, but only to an event loop that gets a turn: a child running `for (;;)` when its host
 * was SIGKILLed would spin forever, reparented to pid 1. The thread has an event loop of its own.
 */
export function startHostWatchdog(): void {
  try {
    const watchdog = new Worker(source, { eval: true, execArgv: [], argv: [], stdout: true, stderr: true });
    watchdog.unref();
    watchdog.on('error', () => {
      // Without it, 'disconnect' (see process-entry) still ends an idle child.
    });
  } catch {
    // As above.
  }
}
