import type { WorkerProcess } from './worker-process.js';

/** Broadcasts queued for one process, not yet written to its IPC channel, past which more are dropped. */
export const BROADCAST_PENDING_MESSAGES = 1024;
/** The same bound in bytes (of the messages' JSON). */
export const BROADCAST_PENDING_BYTES = 64 * 1024 * 1024;

interface Backlog {
  messages: number;
  bytes: number;
  dropped: number;
}

/**
 * Relays an app's `broadcast()` to its other processes, best-effort under back-pressure. Node queues an IPC message
 * in the sender's memory until the receiver's pipe takes it, without bound: a process that stops reading (a blocked
 * event loop, SIGSTOP) while others broadcast made the primary grow by hundreds of MiB in seconds. Each destination
 * may have {@link BROADCAST_PENDING_MESSAGES} or {@link BROADCAST_PENDING_BYTES} pending (counted by send's
 * callback, which fires once a message is written); beyond that its broadcasts are dropped, with one warning when
 * dropping starts and one with the count when it has caught up.
 */
export class BroadcastRelay {
  #backlogs = new WeakMap<WorkerProcess, Backlog>();
  #warn: (message: string) => void;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  relay(data: unknown, from: number, to: Iterable<WorkerProcess>): void {
    const message = { hive: 1, type: 'broadcast', data, from } as const;
    // Measured once for every destination; the IPC channel serializes the same JSON.
    const bytes = Buffer.byteLength(JSON.stringify(message));
    for (const worker of to) this.#send(worker, message, bytes);
  }

  #send(worker: WorkerProcess, message: { hive: 1; type: 'broadcast'; data: unknown; from: number }, bytes: number) {
    let backlog = this.#backlogs.get(worker);
    if (backlog === undefined) {
      backlog = { messages: 0, bytes: 0, dropped: 0 };
      this.#backlogs.set(worker, backlog);
    }
    if (backlog.messages >= BROADCAST_PENDING_MESSAGES || backlog.bytes + bytes > BROADCAST_PENDING_BYTES) {
      // A single message over the byte bound still goes to a process that has nothing pending.
      if (backlog.messages > 0) {
        if (backlog.dropped++ === 0) {
          this.#warn(
            `worker ${worker.instance} (pid ${worker.pid}) is not reading its broadcasts: ${backlog.messages} messages (${backlog.bytes} bytes) wait for it, more are dropped until it catches up`,
          );
        }
        return;
      }
    }
    backlog.messages++;
    backlog.bytes += bytes;
    const settled = backlog;
    worker.send(message, undefined, () => {
      settled.messages--;
      settled.bytes -= bytes;
      if (settled.messages === 0 && settled.dropped > 0) {
        this.#warn(
          `worker ${worker.instance} (pid ${worker.pid}) caught up with its broadcasts; ${settled.dropped} were dropped`,
        );
        settled.dropped = 0;
      }
    });
  }
}
