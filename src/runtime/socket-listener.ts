import { chmodSync, chownSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { sendToPrimary } from './ipc.js';
import { ENV, SOCKET_SERVER_CODE } from './protocol.js';
import { isHttp, isHttp2 } from './server-tracker.js';
import type { RuntimeState } from './state.js';

/**
 * `hive run --socket <path>`: the app's HTTP server also accepts connections on a Unix socket, for an nginx on the
 * same machine (cheaper per request than loopback TCP). The socket's listener only hands each connection to the app's
 * server, as if that server had accepted it, so the app needs no change. In a cluster the listen goes through
 * node:cluster like the port's: the primary owns the socket and deals its connections out in `rr`.
 *
 * Returns whether `server` is the one that gets the socket: the first HTTP(S) or HTTP/2 server to listen on a TCP
 * port, or on the app's `PORT` when that is set. An HTTP/2 server takes its connections as HTTP(S) does: h2c's is a
 * net.Server, a secure one's a tls.Server that does the handshake on the socket handed to it. `done` runs once the
 * socket listens (the app process is ready then), or with the error that the primary has then been told of.
 */
export function attachSocket(
  server: NetServer,
  state: RuntimeState,
  done: (error?: Error) => void,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const path = env[ENV.socket];
  if (!path || state.socketServer !== undefined) return false;
  const address = server.address();
  if (typeof address !== 'object' || address === null) return false;
  const port = Number(env.PORT);
  if (port > 0 && address.port !== port) return false;
  if (!isHttp(server) && !isHttp2(server)) {
    // Without PORT, an HTTP server may listen later. On PORT, the app's server is of a kind the socket cannot serve:
    // said at once, rather than a start that waits --listen-timeout for a socket that never comes.
    if (port > 0) refuseServer(server, port, path);
    return false;
  }

  const listener = createServer((socket) => server.emit('connection', socket));
  state.socketServer = listener;
  // The tracker's drain closes it with the app's servers: a retiring process stops taking socket connections too.
  state.tracker.track(listener);
  const mode = env[ENV.socketMode];
  const gid = env[ENV.socketGid];
  listener.once('error', (error: NodeJS.ErrnoException) => {
    sendToPrimary({
      hive: 1,
      type: 'listen-error',
      code: error.code ?? 'ERR',
      message: error.message,
      port: null,
      socket: path,
    });
    done(error);
  });
  // Not the app's server: the runtime's listen patch must neither report it as the app listening nor rewrite it.
  (listener as RuntimeOwned)[kRuntimeOwned] = true;
  listener.listen(path, () => {
    try {
      // Every process sets the group and mode: node:cluster's primary made the file with its umask and group, and
      // nginx's workers run as another user who must be allowed to connect.
      if (gid) chownSync(path, -1, Number(gid));
      if (mode) chmodSync(path, Number.parseInt(mode, 8));
      done();
    } catch (error) {
      listener.emit('error', error);
    }
  });
  return true;
}

// The socket is for nginx's HTTP proxy: a TCP or TLS server of the app's own protocol gets none of its connections.
function refuseServer(server: NetServer, port: number, path: string): void {
  // Told by its method rather than by instanceof: node:tls is not loaded into every app process for this.
  const tls = typeof (server as { addContext?: unknown }).addContext === 'function';
  const kind = tls ? 'a TLS server of node:tls' : 'a TCP server of node:net';
  sendToPrimary({
    hive: 1,
    type: 'listen-error',
    code: SOCKET_SERVER_CODE,
    message: `the server on port ${port} is ${kind}, not an HTTP one; --socket hands its connections to an HTTP server (node:http, node:https or node:http2) only: serve HTTP on PORT, or drop --socket`,
    port,
    socket: path,
  });
}

const kRuntimeOwned = Symbol.for('hive.runtime.owned');
type RuntimeOwned = NetServer & { [kRuntimeOwned]?: true };

/** True for a server the runtime opened itself (the socket listener), which its listen patch leaves alone. */
export function isRuntimeOwned(server: NetServer): boolean {
  return (server as RuntimeOwned)[kRuntimeOwned] === true;
}
