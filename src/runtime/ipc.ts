import { ENV, toWire, type WorkerMessage } from './protocol.js';
import { runtimeState } from './state.js';

/** True when a Hive primary started this process (and the IPC channel to it exists). */
export function isManaged(): boolean {
  return process.env[ENV.managed] === '1' && typeof process.send === 'function' && isPrimaryChild();
}

let primaryChild: boolean | undefined;

/**
 * Whether this process is one a fork-mode primary spawned with an IPC channel (a Node program), not one the app
 * started in the environment it inherited.
 */
export function isForkChild(): boolean {
  return process.env[ENV.forkReady] === '1' && typeof process.send === 'function' && isPrimaryChild();
}

/**
 * Whether this process is the one its primary spawned, not one the app started in the environment it inherited: the
 * first process to ask claims the primary's variables (HIVE_MANAGED_PID), and a program it starts then finds them
 * claimed by another pid. Not the parent's pid, which a version manager's shim (a `node` that runs the real one as its
 * child) would make another process's than the primary's. The runtime asks as it loads, before the app's code runs.
 */
export function isPrimaryChild(): boolean {
  if (primaryChild !== undefined) return primaryChild;
  const owner = process.env[ENV.managedPid];
  const pid = String(process.pid);
  primaryChild = owner === undefined || owner === '' || owner === pid;
  const managed = process.env[ENV.managed] === '1' || process.env[ENV.forkReady] === '1';
  if (primaryChild && managed) process.env[ENV.managedPid] = pid;
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
  // The copy of the runtime that installed (the primary's --import, of the primary's build) says which form its primary
  // reads: an app's own older copy of hive/runtime sends the plain form, which a newer primary still reads, and a newer
  // copy under an older primary (whose runtime leaves this unset) must send it too.
  const wire = runtimeState().internalIpc === true ? toWire(message) : message;
  process.send!(wire, undefined, {}, () => {
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
