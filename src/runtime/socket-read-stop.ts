import type { Socket } from 'node:net';

/**
 * Stops a process's own reads from a socket it hands on to another process. `pause()` only stops 'data' events: node
 * keeps reading into the stream's buffer, and keeps this copy of the handle open until the receiver acknowledges it
 * (NODE_HANDLE_ACK), reading into a no-op. Bytes the client sends in that window (the next request on a kept-alive
 * connection, a WebSocket frame) would be read here and lost; stopped, they wait in the kernel for the receiver.
 * A socket received over IPC starts reading as it is created, but its first read comes only from the event loop's
 * poll, after the message that carried it is handled: stopped in that handler, nothing was read yet.
 */
export function stopReading(socket: Socket): void {
  socket.pause();
  (socket as Socket & { _handle?: { readStop?: () => number } | null })._handle?.readStop?.();
}

/**
 * Reads again from a socket {@link stopReading} stopped. `resume()` alone does not: the stream still counts the read
 * it started as the socket was created as under way, so it asks the handle for none, and the handle stays stopped.
 */
export function resumeReading(socket: Socket): void {
  const handle = (socket as Socket & { _handle?: { reading?: boolean; readStart?: () => number } | null })._handle;
  if (handle?.readStart !== undefined) {
    handle.reading = true;
    const error = handle.readStart();
    if (error < 0) socket.destroy();
  }
  socket.resume();
}
