import type { Socket } from 'node:net';
import type { RuntimeState } from './state.js';

/**
 * Takes a connection the primary routed here (sticky mode) and feeds it to the app's server as if that server had
 * accepted it. `head` is what the primary already read to choose this process (request line and headers).
 */
export function receiveStickyConnection(state: RuntimeState, socket: Socket, head: string | null): void {
  const server = state.stickyServers.find((s) => s.listening);
  if (!server || state.tracker.draining) {
    socket.destroy();
    return;
  }
  server.emit('connection', socket);
  if (head !== null) socket.emit('data', Buffer.from(head, 'base64'));
  socket.resume();
}
