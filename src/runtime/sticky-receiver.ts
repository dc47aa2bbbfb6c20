import type { Socket } from 'node:net';
import { sendToPrimary } from './ipc.js';
import { resumeReading, stopReading } from './socket-read-stop.js';
import type { RuntimeState } from './state.js';

// Returned connections whose message is not written to the channel yet (node queues a handle behind the primary's
// acknowledgement of the previous one): the process must not exit before, or they die with it.
const returning = new Set<Promise<void>>();

/**
 * Takes a connection the primary routed here (sticky mode) and feeds it to the app's server as if that server had
 * accepted it. `head` is what the primary already read to choose this process (request line and headers).
 *
 * With an `id`, the primary keeps its own copy of the connection until this process acknowledges it (`sticky-taken`),
 * and hands that copy to another process if this one dies first. So nothing is read from the socket, and the head is not
 * acted on, before the acknowledgement is handed to the channel: once it is there the primary reads it before the
 * channel's end, and a connection this process started to serve is never served again elsewhere.
 */
export function receiveStickyConnection(
  state: RuntimeState,
  socket: Socket,
  head: string | null,
  id: number | undefined,
): void {
  if (id === undefined) {
    take(state, socket, head);
    return;
  }
  // Node starts reading a received socket as it creates it; the first read comes from the event loop's poll, after this
  // message is handled (see stopReading), so nothing was read yet.
  stopReading(socket);
  sendToPrimary({ hive: 1, type: 'sticky-taken', id }, () => {
    if (socket.destroyed) return;
    take(state, socket, head, true);
  });
}

// `stopped`: its reads were stopped until the acknowledgement was sent.
function take(state: RuntimeState, socket: Socket, head: string | null, stopped = false): void {
  if (state.tracker.draining) {
    returnToPrimary(socket, head);
    return;
  }
  const server = state.stickyServers.find((s) => s.listening);
  if (!server) {
    socket.destroy();
    return;
  }
  server.emit('connection', socket);
  if (head !== null) socket.emit('data', Buffer.from(head, 'base64'));
  if (stopped) resumeReading(socket);
  else socket.resume();
}

/** Resolves once every connection handed back to the primary has left this process (or after `timeoutMs`). */
export async function stickyReturnsSent(timeoutMs: number): Promise<void> {
  if (returning.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([Promise.all(returning), timeout]);
  clearTimeout(timer);
}

/**
 * A connection that arrives once this process drains (it got a SIGTERM of its own and the primary, told over IPC,
 * had already handed it over) goes back to the primary whole, unread, which routes it to another process. Closing it
 * instead lost the client's request. The primary reads this process as draining before the socket (IPC keeps order),
 * so it does not route it back here.
 */
function returnToPrimary(socket: Socket, head: string | null): void {
  stopReading(socket);
  socket.on('error', () => socket.destroy());
  const sent = new Promise<void>((resolve) => {
    const done = (error: Error | null) => {
      if (error !== null) socket.destroy();
      resolve();
    };
    if (!process.connected) {
      done(new Error('no channel to the primary'));
      return;
    }
    try {
      process.send!({ hive: 1, type: 'sticky-return', head }, socket, {}, done);
    } catch (error) {
      done(error as Error);
    }
  });
  returning.add(sent);
  void sent.then(() => returning.delete(sent));
}
