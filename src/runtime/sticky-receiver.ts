import type { Socket } from 'node:net';
import { stopReading } from './socket-read-stop.js';
import type { RuntimeState } from './state.js';

// Returned connections whose message is not written to the channel yet (node queues a handle behind the primary's
// acknowledgement of the previous one): the process must not exit before, or they die with it.
const returning = new Set<Promise<void>>();

/**
 * Takes a connection the primary routed here (sticky mode) and feeds it to the app's server as if that server had
 * accepted it. `head` is what the primary already read to choose this process (request line and headers).
 */
export function receiveStickyConnection(state: RuntimeState, socket: Socket, head: string | null): void {
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
  socket.resume();
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
