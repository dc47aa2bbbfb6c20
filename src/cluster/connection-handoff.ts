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

/** What the primary hears of the handles it passes to one process (see {@link closeUnansweredHandoffs}). */
export interface HandoffEvents {
  /**
   * The process's channel gave up on a handle sent to it with `message` (node's message as given to send(), e.g. a
   * `newconn` or Hive's `sticky-connection`): the process could not receive the descriptor (NODE_HANDLE_NACK: with
   * no descriptor left, `ulimit -n`, the kernel drops it), never saw the message, and will never answer it. For a
   * `newconn` the primary has already answered node's balancer for the process (the connection was reset).
   */
  onDropped?: (message: unknown) => void;
  /** A handle reached the process (NODE_HANDLE_ACK). */
  onDelivered?: () => void;
}

// The channel's internals this module reads: node sends one handle at a time and queues every later message in
// `_handleQueue` until the process acknowledges that handle (NODE_HANDLE_ACK) or says it did not get it
// (NODE_HANDLE_NACK); `_send` is what writes a message, called by send() and again for each queued one.
interface Channel {
  _handleQueue?: unknown[] | null;
  _send: (...args: unknown[]) => boolean;
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
export function closeUnansweredHandoffs(child: ChildProcess, events: HandoffEvents = {}): void {
  const pending = new Map<number, Handoff>();
  watchDroppedHandles(child, pending, events);
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

/**
 * A process with no descriptor left (`ulimit -n`) cannot receive one passed to it: the kernel drops it, and the
 * process's channel answers NODE_HANDLE_NACK without ever emitting the message it came with. Node's balancer waits for
 * the process's answer to a `newconn` before it hands it anything again, so one such message stalled it for good: once
 * every process had dropped one, every new connection waited in the primary, unserved. Node retransmits only a
 * `net.Socket` sent without `keepOpen` (the channel's `_pendingMessage`); a raw handle (the balancer's) or one sent
 * with `keepOpen` (the sticky router's) is given up at its first NACK, the balancer's copy left open (Node 20 and 24,
 * lib/internal/child_process.js). Once the channel has given a `newconn` up, the primary answers the balancer for the
 * process (`accepted`): the balancer closes its copy (the client gets a reset, not a hang) and the process is in
 * rotation again, for the next connection.
 */
function watchDroppedHandles(child: ChildProcess, pending: Map<number, Handoff>, events: HandoffEvents): void {
  const channel = child as unknown as Channel;
  if (typeof channel._send !== 'function') return;
  // The message of the handle written to the channel and not acknowledged yet (one at a time).
  let inFlight: { message: unknown } | undefined;
  // The one a NACK is about, while node handles that NACK.
  let nacked: { message: unknown; resent: boolean } | undefined;
  const write = channel._send.bind(child);
  channel._send = (...args: unknown[]) => {
    const [message, handle] = args;
    const queued = channel._handleQueue != null;
    const result = write(...args);
    // Written with its handle (a queued message is written later, by this same function): node then queues what follows.
    if (handle && !queued && channel._handleQueue != null) {
      // Node's retransmission of a NACKed handle sends its message wrapped again (`NODE_HANDLE`), which no first send does.
      if (nacked && (message as { cmd?: unknown } | null)?.cmd === 'NODE_HANDLE') nacked.resent = true;
      inFlight = { message };
    }
    return result;
  };
  // Before node's own listener, which writes the next handle (or the same one again).
  child.prependListener('internalMessage', (message: { cmd?: unknown } | null) => {
    if (message?.cmd === 'NODE_HANDLE_NACK' && inFlight) nacked = { message: inFlight.message, resent: false };
    if (message?.cmd === 'NODE_HANDLE_NACK' || message?.cmd === 'NODE_HANDLE_ACK') inFlight = undefined;
  });
  child.on('internalMessage', (message: { cmd?: unknown } | null) => {
    if (message?.cmd === 'NODE_HANDLE_ACK') events.onDelivered?.();
    if (message?.cmd !== 'NODE_HANDLE_NACK' || nacked === undefined) return;
    const dropped = nacked;
    nacked = undefined;
    if (dropped.resent) return;
    const sent = dropped.message as ClusterMessage | null;
    if (
      sent?.cmd === 'NODE_CLUSTER' &&
      sent.act === 'newconn' &&
      typeof sent.seq === 'number' &&
      pending.has(sent.seq)
    ) {
      // As the process would have, had it taken the connection (node's cluster listener, and this module's, read it).
      child.emit('internalMessage', { cmd: 'NODE_CLUSTER', ack: sent.seq, accepted: true });
    }
    events.onDropped?.(dropped.message);
  });
}

function closeQuietly(handle: Closable): void {
  try {
    handle.close();
  } catch {
    // Closed already.
  }
}
