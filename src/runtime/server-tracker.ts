import { Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { Server as NetServer, type Socket } from 'node:net';

interface Connection {
  inflight: Set<ServerResponse>;
  idleSince: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Knows the process's servers and their HTTP connections, and closes them gracefully: stop accepting, let in-flight
 * requests finish, answer each keep-alive connection's next request with `Connection: close`, and end a connection
 * only after it has sat idle for `idleGrace` ms.
 *
 * `http.Server#close()` is not used: since Node 19 it also closes idle keep-alive sockets at once, which races with
 * a client that is just sending its next request on one; that race is the classic "reload drops requests" bug.
 */
export class ServerTracker {
  readonly servers = new Set<NetServer>();
  #connections = new Map<Socket, Connection>();
  #draining = false;
  #idleGrace = 1000;
  #onDrained: (() => void) | undefined;

  /** Starts tracking a server (idempotent). Only HTTP(S) servers get per-connection tracking. */
  track(server: NetServer): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    if (!(server instanceof HttpServer || server instanceof HttpsServer)) return;
    const connectionEvent = server instanceof HttpsServer ? 'secureConnection' : 'connection';
    server.prependListener(connectionEvent, (socket: Socket) => this.#connection(socket));
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.#request(req, res));
    this.#watchUpgrades(server);
  }

  /** Stops accepting on every tracked server and resolves once their HTTP connections are closed. */
  drain(idleGrace: number): Promise<void> {
    this.#idleGrace = idleGrace;
    if (!this.#draining) {
      this.#draining = true;
      for (const server of this.servers) {
        // net's close, not http's: see the class comment.
        if (server.listening) NetServer.prototype.close.call(server);
      }
      for (const [socket, connection] of this.#connections) {
        for (const res of connection.inflight) if (!res.headersSent) res.setHeader('connection', 'close');
        if (connection.inflight.size === 0) this.#scheduleIdleClose(socket, connection);
      }
    }
    return new Promise((resolve) => {
      this.#onDrained = resolve;
      this.#checkDrained();
    });
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Open HTTP connections (upgraded ones excluded). */
  get connectionCount(): number {
    return this.#connections.size;
  }

  #connection(socket: Socket): Connection {
    let connection = this.#connections.get(socket);
    if (connection) return connection;
    connection = { inflight: new Set(), idleSince: Date.now(), timer: undefined };
    this.#connections.set(socket, connection);
    socket.once('close', () => this.#forget(socket));
    if (this.#draining) this.#scheduleIdleClose(socket, connection);
    return connection;
  }

  #request(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const connection = this.#connection(socket);
    clearTimeout(connection.timer);
    connection.inflight.add(res);
    // The next request of a kept-alive connection during a drain is answered, and its connection closed after it.
    if (this.#draining && !res.headersSent) res.setHeader('connection', 'close');
    res.once('close', () => {
      connection.inflight.delete(res);
      connection.idleSince = Date.now();
      if (this.#draining && connection.inflight.size === 0) this.#scheduleIdleClose(socket, connection);
    });
  }

  #scheduleIdleClose(socket: Socket, connection: Connection): void {
    clearTimeout(connection.timer);
    const wait = Math.max(0, connection.idleSince + this.#idleGrace - Date.now());
    connection.timer = setTimeout(() => {
      if (connection.inflight.size > 0) return;
      socket.end();
      // A peer that never answers our FIN must not hold the drain forever.
      setTimeout(() => socket.destroy(), 1000).unref();
    }, wait);
  }

  #forget(socket: Socket): void {
    const connection = this.#connections.get(socket);
    if (!connection) return;
    clearTimeout(connection.timer);
    this.#connections.delete(socket);
    this.#checkDrained();
  }

  // An upgraded socket (WebSocket) is the app's to close (in an onShutdown hook), not an idle HTTP connection.
  // Our 'upgrade' listener is only added once the app has one: with none, Node must keep destroying such sockets.
  #watchUpgrades(server: NetServer): void {
    let watching = false;
    const watch = () => {
      if (watching) return;
      watching = true;
      server.prependListener('upgrade', (req: IncomingMessage) => this.#forget(req.socket));
    };
    if (server.listenerCount('upgrade') > 0) watch();
    else server.on('newListener', (event) => event === 'upgrade' && watch());
  }

  #checkDrained(): void {
    if (this.#draining && this.#connections.size === 0 && this.#onDrained) {
      const resolve = this.#onDrained;
      this.#onDrained = undefined;
      resolve();
    }
  }
}
