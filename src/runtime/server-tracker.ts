import { subscribe } from 'node:diagnostics_channel';
import { Server as HttpServer, type IncomingMessage, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Server, Http2Session } from 'node:http2';
import { Server as HttpsServer } from 'node:https';
import { Server as NetServer, type Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

/**
 * Knows the process's servers and their HTTP connections, and closes them gracefully: stop accepting, let in-flight
 * requests finish, answer each keep-alive connection's next request with `Connection: close`, and end a connection
 * only after it has sat idle for `idleGrace` ms (bytes that come in earn one more grace, for their request's head to
 * arrive whole).
 *
 * `http.Server#close()` is not used: since Node 19 it also closes idle keep-alive sockets at once, which races with
 * a client that is just sending its next request on one; that race is the classic "reload drops requests" bug.
 *
 * Nothing runs per request until a drain starts (only per connection): the runtime sits in every app process, on
 * every request's path.
 */
export class ServerTracker {
  readonly servers = new Set<NetServer>();
  #connections = new Map<Socket, NodeJS.Timeout | undefined>();
  #draining = false;
  #idleGrace = 1000;
  #onDrained: (() => void) | undefined;
  #httpHooks: ((server: HttpServer) => void)[] = [];
  #http2Hooks: ((server: Http2Server | Http2SecureServer) => void)[] = [];
  #requestHooks: ((server: RequestServer) => void)[] = [];
  // The servers whose 'request' events the runtime may listen to (see onRequestServer).
  #requestServers = new Set<RequestServer>();
  // Responses of a drain whose end settles their connection; per connection, the response the drain made close it.
  #watched = new WeakSet<ServerResponse>();
  #closer = new WeakMap<Socket, ServerResponse>();
  // Connections in the one more grace that bytes of a request head earned them (see #idleCheck).
  #awaitingHead = new WeakSet<Socket>();
  #guarded = new WeakSet<ServerResponse>();
  #sessions = new Set<Http2Session>();
  // Each HTTP/2 session's own socket (its `socket` is a proxy Node 20 lets no one destroy), and the session just made,
  // which the socket's listener after node's own pairs it with (see #pairSessionSocket).
  #sessionSockets = new WeakMap<Http2Session, Socket>();
  #newSession: Http2Session | undefined;
  // Upgraded (WebSocket) sockets still open: a Set, so that a socket handed to 'upgrade' twice counts once.
  #upgraded = new Set<Socket>();

  /** Starts tracking a server (idempotent). Only HTTP(S) servers get per-connection tracking. */
  track(server: NetServer): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    if (this.#draining) closeWhenListening(server);
    // An HTTP/2 server (node:http2) emits a session per connection: only HTTP/2 servers ever emit 'session'.
    server.on('session', (session: Http2Session) => this.#addSession(session));
    if (isHttp2(server)) {
      this.#pairSessionSocket(server);
      for (const hook of this.#http2Hooks) hook(server);
      if (server instanceof TlsServer) this.#trackHttp1Fallback(server);
      this.#watchCompatibility(server);
    }
    if (!isHttp(server)) return;
    for (const hook of this.#httpHooks) hook(server as HttpServer);
    this.#addRequestServer(server as HttpServer);
    server.prependListener('connection', (socket: Socket) => this.#add(socket));
    // An HTTPS connection is tracked from its TCP accept, through its TLS handshake (a drain must not exit under a
    // client that is still shaking hands), then as its TLS socket, which is the one HTTP writes responses on.
    if (server instanceof HttpsServer) {
      server.prependListener('secureConnection', (socket: Socket) => {
        this.#add(socket);
        const tcp = (socket as TlsSocket)._parent;
        if (tcp) this.#forget(tcp);
      });
    }
    this.#watchUpgrades(server);
  }

  #addRequestServer(server: RequestServer): void {
    if (this.#requestServers.has(server)) return;
    this.#requestServers.add(server);
    for (const hook of this.#requestHooks) hook(server);
  }

  // An HTTP/2 server is an app's of the compatibility API once it has a 'request' listener of its own: at its listen()
  // (`createServer(handler)`, Fastify's `http2: true`), or as it adds the first one later. 'newListener' comes before
  // the listener is added, so the runtime's own ones (prepended by the hooks) still go first. The runtime adds no
  // 'request' listener to a server before then (the drain's needs one of the app's there), so one counted here is
  // the app's.
  #watchCompatibility(server: Http2Server | Http2SecureServer): void {
    if (server.listenerCount('request') > 0) {
      this.#addRequestServer(server);
      return;
    }
    const onListener = (event: string | symbol) => {
      if (event !== 'request') return;
      server.off('newListener', onListener);
      this.#addRequestServer(server);
    };
    server.on('newListener', onListener);
  }

  // A secure HTTP/2 server with `allowHTTP1` (Fastify's `http2: true, https: { allowHTTP1: true }`) serves a client
  // that does not speak h2 with node's HTTP/1 code: such a connection makes no session, and untracked it was cut by
  // the exit under its in-flight response. Tracked as an HTTPS connection is: the TCP socket while it shakes hands,
  // then the TLS socket if node's HTTP/1 code took it (it set a parser on it); an h2 one is its session's. Appended,
  // not prepended: node's own listener has made the session (or the parser) by then, so the drain never sees the
  // connection untracked between the two. Its upgrades (WebSocket over HTTP/1.1) are the app's, as an HTTPS server's.
  #trackHttp1Fallback(server: Http2SecureServer): void {
    server.prependListener('connection', (socket: Socket) => this.#add(socket));
    server.on('secureConnection', (socket: Socket) => {
      if ((socket as Socket & { parser?: unknown }).parser != null) this.#add(socket);
      const tcp = (socket as TlsSocket)._parent;
      if (tcp) this.#forget(tcp);
    });
    this.#watchUpgrades(server);
  }

  // Node makes a connection's session and emits 'session' inside its own listener of the connection (h2c: 'connection';
  // TLS: 'secureConnection'), the server's first: one appended here runs right after, with the session's socket. Paired
  // even when already closed: one made during a drain (a TLS handshake the server finished after the SIGTERM) was closed
  // at once, and unpaired its socket was never destroyed after the grace, so a silent client held the drain to SIGKILL.
  #pairSessionSocket(server: Http2Server | Http2SecureServer): void {
    server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', (socket: Socket) => {
      const session = this.#newSession;
      this.#newSession = undefined;
      if (session !== undefined) this.#sessionSockets.set(session, socket);
    });
  }

  /** Calls `hook` with every HTTP(S) server tracked, now and later (the metrics reporter counts their requests). */
  onHttpServer(hook: (server: HttpServer) => void): void {
    this.#httpHooks.push(hook);
    for (const server of this.servers) if (isHttp(server)) hook(server as HttpServer);
  }

  /** Calls `hook` with every HTTP/2 server (node:http2) tracked, now and later. */
  onHttp2Server(hook: (server: Http2Server | Http2SecureServer) => void): void {
    this.#http2Hooks.push(hook);
    for (const server of this.servers) if (isHttp2(server)) hook(server);
  }

  /**
   * Calls `hook` with every tracked server whose 'request' events the runtime may listen to, now and later: HTTP(S)
   * servers, and HTTP/2 servers of an app on node's compatibility API (one with a 'request' listener of its own, from
   * when it gets it). Their 'request' listeners get `(IncomingMessage, ServerResponse)` or, for an HTTP/2 stream,
   * `(Http2ServerRequest, Http2ServerResponse)`. An HTTP/2 server of the stream API never gets there: a 'request'
   * listener would turn node's compatibility layer on for its every stream (objects per stream, automatic answers to
   * CONNECT and Expect).
   */
  onRequestServer(hook: (server: RequestServer) => void): void {
    this.#requestHooks.push(hook);
    for (const server of this.#requestServers) hook(server);
  }

  /**
   * Stops accepting on every tracked server and resolves once their HTTP connections and HTTP/2 sessions are closed.
   */
  drain(idleGrace: number): Promise<void> {
    this.#idleGrace = idleGrace;
    if (!this.#draining) {
      this.#draining = true;
      for (const server of this.servers) {
        if (isHttp(server)) {
          server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.#request(req, res));
        } else if (this.#requestServers.has(server as RequestServer)) {
          // The HTTP/1.1 requests of an `allowHTTP1` HTTP/2 server, of an app of node's compatibility API (see
          // onRequestServer): one added to a stream-API app would turn that layer on for every stream.
          server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
            if (res instanceof ServerResponse) this.#request(req, res);
          });
        }
        closeWhenListening(server);
      }
      subscribe('http.server.request.start', this.#expecting);
      for (const socket of this.#connections.keys()) this.#settle(socket);
      for (const session of this.#sessions) this.#closeSession(session);
    }
    return new Promise((resolve) => {
      this.#onDrained = resolve;
      this.#checkDrained();
    });
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Open HTTP/1 connections (upgraded ones excluded) and HTTP/2 sessions: http_open_connections. */
  get openConnections(): number {
    return this.#connections.size + this.#sessions.size;
  }

  /** Upgraded (WebSocket) connections still open: http_upgraded_connections. */
  get upgradedConnections(): number {
    return this.#upgraded.size;
  }

  // HTTP/2 drains itself: `close()` sends GOAWAY (the client learns which of its streams were not taken and may
  // retry them elsewhere), lets open streams finish, then closes; so a drain closes sessions at once, no grace needed.
  #addSession(session: Http2Session): void {
    this.#sessions.add(session);
    this.#newSession = session;
    session.once('close', () => {
      this.#sessions.delete(session);
      this.#checkDrained();
    });
    if (this.#draining) this.#closeSession(session);
  }

  // Once its streams are done, the session ends its side and waits for the client's close: a client that went silent
  // (a phone off the network, a hung process) never sends it, and held the drain until killTimeout's SIGKILL. As an
  // HTTP/1 connection that never answers the close, it gets the idle grace, then its socket is destroyed.
  #closeSession(session: Http2Session): void {
    session.close();
    let ended = false;
    const timer = setInterval(() => {
      if (!session.destroyed) return;
      if (!ended) {
        ended = true;
        return;
      }
      clearInterval(timer);
      this.#sessionSockets.get(session)?.destroy();
    }, this.#idleGrace);
    timer.unref();
    session.once('close', () => clearInterval(timer));
  }

  #add(socket: Socket): void {
    if (this.#connections.has(socket)) return;
    this.#connections.set(socket, undefined);
    socket.once('close', () => this.#forget(socket));
    if (this.#draining) this.#scheduleIdleClose(socket);
  }

  // During a drain (at its start, and at the end of each response): the response a connection is writing now closes
  // the connection if it answers the connection's last request, and its end settles the connection again; with no
  // response in flight the connection gets its idle grace.
  #settle(socket: Socket): void {
    const res = inFlight(socket);
    if (res === undefined) {
      this.#scheduleIdleClose(socket);
      return;
    }
    if (res.req === lastRequest(socket)) this.#closeAfter(socket, res);
    this.#watch(socket, res);
  }

  // During a drain: the next request of a kept-alive connection is answered, and its connection closed after it.
  #request(req: IncomingMessage, res: ServerResponse): void {
    this.#closeAfter(req.socket, res);
    this.#watch(req.socket, res);
  }

  // During a drain: a request with an `Expect` header is the app's 'checkContinue' or 'checkExpectation' event instead
  // of 'request' when the app listens to that one, so the drain's 'request' listener never saw it: its response kept
  // the connection alive, and the idle close then raced with the client's next request (QA, Expect POSTs on 16
  // sockets through a reload: up to 3 lost). Node's diagnostics channel sees each request its HTTP/1 code parses,
  // whichever event it goes to, with no listener on the server: one for 'checkContinue' would stop Node's automatic
  // 100 Continue for an app with none (and one for 'checkExpectation', its 417). The channel is the process's: only
  // this tracker's servers count. One that also reaches the 'request' listener is marked once (#request is idempotent).
  readonly #expecting = (message: unknown): void => {
    const { request, response, server } = message as {
      request: IncomingMessage;
      response: ServerResponse;
      server: NetServer;
    };
    if (request.headers.expect === undefined || !this.servers.has(server)) return;
    this.#request(request, response);
  };

  // Only the response to a connection's last request may close it: Node hands pipelined requests to the app at once
  // and answers them in order, so an earlier response that closed the connection would drop the answers of requests
  // the app already handled. A request pipelined behind takes the close over from the one before it.
  #closeAfter(socket: Socket, res: ServerResponse): void {
    const previous = this.#closer.get(socket);
    // Already the one (a settle while it is in flight, after the idle grace ran out): it must stay known as the closer,
    // or a request pipelined behind it would not take the close over, and its answer would be cut.
    if (previous === res) return;
    // No longer the closer first, so that its guard (#guardClose) lets the close go.
    this.#closer.delete(socket);
    if (previous !== undefined && !previous.headersSent) previous.removeHeader('connection');
    if (res.headersSent || String(res.getHeader('connection')).toLowerCase() === 'close') return;
    res.setHeader('connection', 'close');
    res.removeHeader('keep-alive');
    this.#closer.set(socket, res);
    this.#guardClose(socket, res);
  }

  // The app's own `Connection: keep-alive` (and `Keep-Alive: timeout=`), set on every response by some apps and older
  // frameworks, would replace the drain's close: Node keeps a connection open when the Connection header it writes
  // does not say close, and a steadily busy client would then hold the retiring process until SIGKILL. So while the
  // response is the closer, its own header methods keep the close. A writeHead wrapper would not do: one a middleware
  // (on-headers, under express-session, compression, morgan) put on a response in flight as the drain began runs
  // inside it, and its listener sets headers after the wrapper's. writeHead's own headers argument goes through these
  // methods once any header is set (Node 20: setHeader; 24: removeHeader, then appendHeader), and the close is.
  #guardClose(socket: Socket, res: ServerResponse): void {
    if (this.#guarded.has(res)) return;
    this.#guarded.add(res);
    const closer = this.#closer;
    const closing = (response: ServerResponse) => closer.get(socket) === response && !response.headersSent;
    for (const method of ['setHeader', 'appendHeader'] as const) {
      const own = res[method];
      res[method] = function (this: ServerResponse, name: string, value: unknown) {
        if (closing(this) && keepsOpen(name, value)) return this;
        return Reflect.apply(own, this, [name, value]) as ServerResponse;
      } as ServerResponse[typeof method];
    }
    const removeHeader = res.removeHeader;
    res.removeHeader = function (this: ServerResponse, name: string) {
      if (closing(this) && String(name).toLowerCase() === 'connection') return;
      Reflect.apply(removeHeader, this, [name]);
    };
  }

  #watch(socket: Socket, res: ServerResponse): void {
    if (this.#watched.has(res)) return;
    this.#watched.add(res);
    res.once('close', () => this.#settle(socket));
  }

  // `awaitingHead`: the grace is the one more a request head whose bytes came in the last one gets to arrive whole.
  #scheduleIdleClose(socket: Socket, awaitingHead = false): void {
    if (!this.#connections.has(socket)) return;
    if (awaitingHead) this.#awaitingHead.add(socket);
    else this.#awaitingHead.delete(socket);
    clearTimeout(this.#connections.get(socket));
    const read = bytesRead(socket);
    // Checked from setImmediate, after the loop's poll phase: a timer due while the event loop was busy runs before
    // the poll that reads what came in meanwhile, so a request sent within the grace would still be unread, and cut.
    const timer = setTimeout(() => setImmediate(() => this.#idleCheck(socket, read, timer)), this.#idleGrace);
    this.#connections.set(socket, timer);
  }

  #idleCheck(socket: Socket, read: number, timer: NodeJS.Timeout): void {
    // Closed, or given another grace, since the timer ran.
    if (this.#connections.get(socket) !== timer) return;
    // A request arrived meanwhile: its response closes the connection, or its end re-schedules this check. Settled
    // here too, for a request the drain's listeners never saw.
    if (inFlight(socket) !== undefined) {
      this.#settle(socket);
      return;
    }
    // Bytes came in meanwhile, a request whose headers are not all there yet: the connection was not idle, and
    // closing it now would drop that request. It gets one more grace for that head to arrive, not one per byte: a
    // client that trickles a byte (or a bare CRLF, which no parser event shows) every so often would otherwise hold
    // the drain until the primary's SIGKILL, and the onShutdown hooks would never run. A head that takes longer than a
    // grace to arrive during a drain is a slow client's (node's own headersTimeout draws the same line, later); a
    // request that has arrived, a slow upload included, is in flight above and waited for.
    if (bytesRead(socket) !== read && !this.#awaitingHead.has(socket)) {
      this.#scheduleIdleClose(socket, true);
      return;
    }
    socket.end();
    // A peer that never answers our FIN must not hold the drain forever.
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  #forget(socket: Socket): void {
    if (!this.#connections.has(socket)) return;
    clearTimeout(this.#connections.get(socket));
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
      server.prependListener('upgrade', (_req: IncomingMessage, socket: Socket) => this.#upgrade(socket));
    };
    if (server.listenerCount('upgrade') > 0) watch();
    else server.on('newListener', (event) => event === 'upgrade' && watch());
  }

  // Counted from the 'upgrade' event whoever answers it (ws's WebSocketServer, or the app's own listener calling
  // handleUpgrade) until the socket closes: a handshake the app refuses counts until its socket is destroyed. Once
  // per socket, as an app or a proxy may emit 'upgrade' again with it (on another server, say); a socket already
  // destroyed is not counted, since its 'close' may have been emitted already.
  #upgrade(socket: Socket): void {
    this.#forget(socket);
    if (socket.destroyed || this.#upgraded.has(socket)) return;
    this.#upgraded.add(socket);
    socket.once('close', () => this.#upgraded.delete(socket));
  }

  #checkDrained(): void {
    if (this.#draining && this.#connections.size === 0 && this.#sessions.size === 0 && this.#onDrained) {
      const resolve = this.#onDrained;
      this.#onDrained = undefined;
      resolve();
    }
  }
}

// net's close, not http's: see the class comment. A server still on its way to listening (a process retired while it
// starts, e.g. a sibling failed to) is closed once it gets there, or it would hold the process until SIGKILL.
function closeWhenListening(server: NetServer): void {
  const close = () => {
    answerLaterCloses(server);
    NetServer.prototype.close.call(server);
  };
  if (server.listening) close();
  else server.once('listening', close);
}

// The app's own `server.close(callback)` after the drain (PM2's pattern: `process.on('SIGINT', () => server.close(err
// => process.exit(err ? 1 : 0)))`) must not hear ERR_SERVER_NOT_RUNNING for a close it did not make: the callback is
// called as Node calls it for a server the app closes itself, once the server has closed, with no error. Only on the
// servers the drain closed, and only while they are not listening again.
function answerLaterCloses(server: NetServer): void {
  let closed = false;
  server.once('close', () => {
    closed = true;
  });
  const own = server.close;
  server.close = function close(this: NetServer, callback?: (error?: Error) => void) {
    if (this.listening) return Reflect.apply(own, this, [callback]) as NetServer;
    if (typeof callback === 'function') {
      if (closed) process.nextTick(callback);
      else this.once('close', () => callback());
    }
    return this;
  };
}

// A header that would undo the drain's `Connection: close`: a Connection that does not say close, or a Keep-Alive.
function keepsOpen(name: string, value: unknown): boolean {
  const field = String(name).toLowerCase();
  return field === 'keep-alive' || (field === 'connection' && String(value).toLowerCase() !== 'close');
}

/** A server whose requests have a 'request' event: HTTP(S), or HTTP/2 of node's compatibility API. */
export type RequestServer = HttpServer | Http2Server | Http2SecureServer;

/** True for an HTTP(S) server, the kind whose connections the runtime drains and whose requests it counts. */
export function isHttp(server: NetServer): boolean {
  return server instanceof HttpServer || server instanceof HttpsServer;
}

/**
 * True for an HTTP/2 server of node:http2, h2c or secure (`allowHTTP1` too). node:http2 exports no server class to test
 * against; `updateSettings()` is theirs alone (and loading node:http2 to find the class would cost every app process
 * that never uses it).
 */
export function isHttp2(server: NetServer): server is Http2Server | Http2SecureServer {
  return typeof (server as Partial<Http2Server>).updateSettings === 'function';
}

// The response a connection is writing now. `_httpMessage` is Node's own link from a socket to its current response
// (stable since Node 0.x, relied on by stoppable and http-terminator); reading it spares the runtime a listener and a
// closure on every request.
function inFlight(socket: Socket): ServerResponse | undefined {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

// Node's link from a server-side TLS socket to the TCP socket it wraps.
type TlsSocket = Socket & { _parent?: Socket | null };

// Bytes received on a connection: a TLS socket counts none itself, the TCP socket under it does.
function bytesRead(socket: Socket): number {
  return ((socket as TlsSocket)._parent ?? socket).bytesRead;
}

// The connection's last request the app was handed: `parser.incoming` is Node's request whose headers its parser read
// last (as old and as relied on as `_httpMessage`). A response for another request has pipelined requests behind it.
function lastRequest(socket: Socket): IncomingMessage | undefined {
  const parser = (socket as Socket & { parser?: { incoming?: IncomingMessage | null } | null }).parser;
  return parser?.incoming ?? undefined;
}
