import { ENV, type WorkerMessage } from './protocol.js';

/** True when a Hive primary started this process (and the IPC channel to it exists). */
export function isManaged(): boolean {
  return process.env[ENV.managed] === '1' && typeof process.send === 'function' && isPrimaryChild();
}

let primaryChild: boolean | undefined;

/**
 * Whether this process is the one its primary spawned, not one the app started in the environment it inherited.
 * Read once: a process whose primary died is re-parented, and is the primary's own all the same (its channel is gone).
 */
export function isPrimaryChild(): boolean {
  const pid = process.env[ENV.primaryPid];
  primaryChild ??= pid === undefined || pid === '' || Number(pid) === process.ppid;
  return primaryChild;
}

/**
 * Sends a message to the primary; a no-op without one, or once the channel is gone (the primary exited). `onSent`
 * is called once the message is handed to the channel, or at once when there is none.
 */
export function sendToPrimary(message: WorkerMessage, onSent?: () => void): void {
  if (!isManaged() || !process.connected) {
    onSent?.();
    return;
  }
  process.send!(message, undefined, {}, () => {
    // A send can fail while the primary goes away; the process then exits on 'disconnect' anyway.
    onSent?.();
  });
}

let answerFlush: (() => void) | undefined;

/**
 * Resolves once the primary has answered a `flush`, so that every message it sent before (a connection node's
 * cluster handed over) has arrived and been handled; or after `timeoutMs` (a primary that does not answer).
 */
export function flushFromPrimary(timeoutMs: number): Promise<void> {
  if (!isManaged() || !process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      answerFlush = undefined;
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    answerFlush = done;
    sendToPrimary({ hive: 1, type: 'flush' });
  });
}

/** The primary's `flushed` arrived. */
export function flushed(): void {
  answerFlush?.();
}
