import type { ChildProcess } from 'node:child_process';
import { generationOf, joinServer, leaveServer } from './round-robin-members.js';

// Node's round-robin balancer (lib/internal/cluster/round_robin_handle.js) hands each accepted connection to a worker
// in a `{ cmd: 'NODE_CLUSTER', act: 'newconn', seq }` message and closes its own copy only when the worker answers
// `{ ack: seq, accepted }`. A worker that dies with such a message unanswered (a SIGKILL, a crash, the OOM killer)
// never answers, and the primary keeps the connection open, unserved, for good: its client hangs until its own timeout
// (undici's is 5 minutes). Node has no hook for it, so the primary watches the handoffs on the worker's channel.

interface Closable {
  close(callback?: () => void): void;
}

interface ClusterMessage {
  cmd?: unknown;
  act?: unknown;
  seq?: unknown;
  ack?: unknown;
  accepted?: unknown;
  key?: unknown;
  errno?: unknown;
}

interface Handoff {
  handle: Closable;
  key: string;
  // How many balancers of its key had ended when it was made (see round-robin-members.ts).
  generation: number;
}

// The process each connection was last handed to: a refused one that node handed straight on to another process is
// that one's now, whatever its first balancer became.
const holders = new WeakMap<Closable, ChildProcess>();

/**
 * Closes the primary's copy of every connection handed to `child` that it had not answered for when its IPC channel
 * closed, and of every connection it refused once the balancer that handed it had ended (its last process gone: see
 * round-robin-members.ts), which nothing would hand out again. Closing the primary's copy never cuts a connection a
 * process still holds (a descriptor passed along is another reference to the same socket): only one that nobody
 * serves ends, and its client gets a reset at once instead of waiting for a reply that cannot come.
 */
export function closeUnansweredHandoffs(child: ChildProcess): void {
  const pending = new Map<number, Handoff>();
  const send = child.send.bind(child) as (...args: unknown[]) => boolean;
  (child as { send: (...args: unknown[]) => boolean }).send = (...args: unknown[]) => {
    const [message, handle] = args as [ClusterMessage | undefined, Closable | undefined];
    if (message?.cmd === 'NODE_CLUSTER' && message.act === 'newconn' && typeof message.seq === 'number' && handle) {
      const key = String(message.key);
      pending.set(message.seq, { handle, key, generation: generationOf(key) });
      holders.set(handle, child);
    }
    // The primary's answer to a worker's listen (queryServer) names the server's key as node files it, whose format
    // differs between Node versions (Node 24 leaves the listen's index out for a fixed port): learnt, not rebuilt.
    if (
      message?.cmd === 'NODE_CLUSTER' &&
      typeof message.ack === 'number' &&
      typeof message.key === 'string' &&
      !message.errno
    ) {
      joinServer(message.key, child);
    }
    return send(...args);
  };
  // Node's own listener (cluster.fork's) comes first: a close has ended its balancer, and a refused handoff has gone
  // back to its balancer's queue, by the time this one reads the message.
  child.on('internalMessage', (message: ClusterMessage) => {
    if (message?.cmd !== 'NODE_CLUSTER') return;
    if (message.act === 'close' && typeof message.key === 'string') leaveServer(child, message.key);
    if (typeof message.ack !== 'number') return;
    const handoff = pending.get(message.ack);
    pending.delete(message.ack);
    // Refused, and queued again by a balancer that has ended since it handed the connection out.
    if (
      handoff &&
      message.accepted === false &&
      holders.get(handoff.handle) === child &&
      generationOf(handoff.key) !== handoff.generation
    ) {
      closeQuietly(handoff.handle);
    }
  });
  const closeAll = () => {
    for (const { handle } of pending.values()) closeQuietly(handle);
    pending.clear();
  };
  // 'disconnect' comes once every message read before the channel's end has been emitted, so no answer can follow.
  // But node never emits it when the channel closes while a handle it sent still awaits its low-level delivery ack,
  // which is just the case here (a process killed before taking a connection): then the exit, with the channel
  // gone, is what says so. The channel's end is read before the exit is seen (a dying process's files close before
  // its parent is signalled, and libuv runs signal handlers after the loop turn's other I/O).
  child.once('disconnect', () => {
    leaveServer(child);
    closeAll();
  });
  child.once('exit', () => {
    if (child.connected) return;
    leaveServer(child);
    closeAll();
  });
}

function closeQuietly(handle: Closable): void {
  try {
    handle.close();
  } catch {
    // Closed already.
  }
}
