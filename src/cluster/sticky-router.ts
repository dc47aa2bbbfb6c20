import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { PrimaryMessage } from '../runtime/protocol.js';
import { stopReading } from '../runtime/socket-read-stop.js';
import { headReadable } from './http-head.js';
import { hashKey, pinnedSlot, type StickyMode, stickyKey } from './sticky-mode.js';

/** A worker the router may hand a connection to. */
export interface StickyTarget {
  send(
    message: PrimaryMessage,
    socket: Socket,
    callback: (error: Error | null) => void,
    options: { keepOpen: boolean },
  ): void;
}

const MAX_HEAD = 16 * 1024;
// Tries to hand one connection over before it is closed: each failed try means a worker whose channel just closed, or
// one that could not receive its descriptor (dropped()).
const MAX_HANDOVERS = 3;
// The whole head, not the time between two reads: node's own server allows as long (headersTimeout).
const HEAD_TIMEOUT = 60_000;
// How long a connection that finds no process ready waits for one (a crashed one's restart, a reload's replacement)
// before it is closed, and how many may wait at once: each holds a descriptor in the primary.
const READY_WAIT = 10_000;
const MAX_WAITING = 1024;
// The first byte of a TLS record carrying a handshake (a ClientHello): not an HTTP request line.
const TLS_HANDSHAKE = 0x16;

/** Tuning and reporting of a {@link StickyRouter}. */
export interface StickyRouterOptions {
  /** How long a client may take to send its whole request head, in ms (default 60 s); then it is closed. */
  headTimeout?: number;
  /** Hears a misuse the router meets (once each), such as TLS where it must read HTTP heads. */
  onWarning?: (message: string) => void;
  /** How long a connection that finds no process ready waits for one, in ms (default 10 s); then it is closed. */
  readyWait?: number;
  /**
   * Cookie mode: the ready worker of the slot the pin cookie ({@link pinCookie}) names (its instance number), or
   * undefined when that slot is gone or not ready (the connection is then keyed as usual).
   */
  pickSlot?: (instance: number) => StickyTarget | undefined;
  /** Cookie mode: the name of the app's pin cookie (stickyCookieName), which the runtime sets. */
  pinCookie?: string;
}

/**
 * Sticky sessions: the primary owns the listener, derives a client key (address, header or cookie), hashes it and
 * hands the socket to a worker over IPC. `pick` gets the hash and returns a ready worker (the one of the key's slot,
 * see stickySlot, or another ready one when that slot's worker is down, so a dead worker's clients move on).
 */
export class StickyRouter {
  readonly #mode: StickyMode;
  readonly #pick: (hash: number) => StickyTarget | undefined;
  readonly #server: Server;
  // Connections handed to a worker that has not acknowledged them yet (`sticky-taken`), by their message's id, with the
  // head read from each: queued by node behind the worker's acknowledgement of the previous handle, written to its
  // channel and not read yet, or read and not acknowledged yet. The router keeps its own copy of each until then, and
  // forget() routes them again if that worker exits first.
  // `attempt`: how many workers it was handed to so far (see MAX_HANDOVERS).
  readonly #pending = new Map<StickyTarget, Map<number, { socket: Socket; head: Buffer | null; attempt: number }>>();
  #nextId = 0;
  readonly #onWarning: (message: string) => void;
  readonly #headTimeout: number;
  readonly #readyWait: number;
  readonly #pickSlot: (instance: number) => StickyTarget | undefined;
  readonly #pinCookie: string | undefined;
  // Connections that found no process ready, with their heads, until one is (wake) or their wait ends.
  // `onClose` is taken off as it leaves the wait: one that waits again (its process died before taking it) gets another.
  readonly #waiting = new Map<Socket, { head: Buffer | null; timer: NodeJS.Timeout; onClose: () => void }>();
  // Connections whose request head is still being read (header and cookie modes): the bytes read so far, and how to
  // stop reading it.
  readonly #reading = new Map<Socket, { bytes: () => number; stop: () => void }>();
  #listening: { host: string | undefined; address: Promise<AddressInfo> } | undefined;
  #closed = false;
  #warnedTls = false;

  constructor(mode: StickyMode, pick: (hash: number) => StickyTarget | undefined, options: StickyRouterOptions = {}) {
    this.#mode = mode;
    this.#pick = pick;
    this.#onWarning = options.onWarning ?? (() => {});
    this.#headTimeout = options.headTimeout ?? HEAD_TIMEOUT;
    this.#readyWait = options.readyWait ?? READY_WAIT;
    this.#pickSlot = options.pickSlot ?? (() => undefined);
    this.#pinCookie = options.pinCookie;
    // By address the socket needs no reading: it moves to the worker untouched.
    // allowHalfOpen: a client that half-closes before its head's end is answered by the app's server (see #connection),
    // so the router must not close its side on the client's FIN.
    this.#server = createServer({ pauseOnConnect: mode.by === 'ip', allowHalfOpen: true }, (socket) =>
      this.#connection(socket),
    );
  }

  /**
   * Listens on the app's port and host (node's default when undefined) at the first call, which an app server's own
   * listen makes: until then clients are refused rather than accepted with no process to serve them. Later calls get
   * the same address; one with another host fails (EADDRINUSE), as the port is taken. A failed bind (node's errno
   * error: EADDRINUSE, EACCES) is tried again by the next call. `ipv6Only` is listen()'s option (no IPv4 client on
   * `::`), the first call's.
   */
  listen(port: number, host?: string, ipv6Only = false): Promise<AddressInfo> {
    if (this.#closed)
      return Promise.reject(Object.assign(new Error('the sticky router is closed'), { code: 'ECLOSED' }));
    if (this.#listening !== undefined) {
      if (this.#listening.host === host) return this.#listening.address;
      const message = `the sticky router listens on ${this.#listening.host ?? "node's default host"}, not ${host ?? "node's default host"}, for port ${port}`;
      return Promise.reject(Object.assign(new Error(message), { code: 'EADDRINUSE' }));
    }
    const address = new Promise<AddressInfo>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        this.#listening = undefined;
        reject(error);
      };
      this.#server.once('error', onError);
      this.#server.listen({ port, host, ...(ipv6Only && { ipv6Only }) }, () => {
        this.#server.off('error', onError);
        resolve(this.#server.address() as AddressInfo);
      });
    });
    this.#listening = { host, address };
    return address;
  }

  get address(): ReturnType<Server['address']> {
    return this.#server.address();
  }

  /** Stops listening; the connections waiting for a ready process are closed. */
  close(): Promise<void> {
    this.#closed = true;
    for (const [socket, { timer }] of this.#waiting) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.#waiting.clear();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * A stop, once close() was called and before the processes are told to drain (a draining process hands a connection
   * back, and none would be left to take it): each connection whose request head is still arriving gets the drain's
   * rules of a process (its runtime's server-tracker) to complete it, so a client that began a request is answered
   * as it would be with `--sticky ip`. It is closed once it sat a grace with nothing new, or after one more grace
   * that bytes arriving in the first earned it; a completed head is handed to a process still serving. Resolves once
   * each is closed or acknowledged by its process (an unacknowledged one could still be handed back), or after
   * `limit` ms (killTimeout), the ones still read then closed.
   */
  drainHeads(idleGrace: number, limit: number): Promise<void> {
    const settled = [...this.#reading].map(
      ([socket, { bytes }]) =>
        new Promise<void>((resolve) => {
          if (socket.destroyed) return resolve();
          // The router's copy closes when its process acknowledges it (taken()), or when it is closed.
          socket.once('close', () => resolve());
          const grace = (read: number, earned: boolean) => {
            // From setImmediate, as the tracker checks: bytes that came as the grace ended are read by then.
            const timer = setTimeout(() => setImmediate(() => check(read, earned)), idleGrace);
            socket.once('close', () => clearTimeout(timer));
          };
          const check = (read: number, earned: boolean) => {
            if (!this.#reading.has(socket)) return;
            if (bytes() !== read && !earned) grace(bytes(), true);
            else this.#endHead(socket);
          };
          grace(bytes(), false);
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const socket of [...this.#reading.keys()]) this.#endHead(socket);
        resolve();
      }, limit);
    });
    return Promise.race([Promise.all(settled), timeout]).then(() => clearTimeout(timer));
  }

  /** A forced stop (a second Ctrl-C): the connections whose head is still arriving are closed now. */
  dropHeads(): void {
    for (const socket of [...this.#reading.keys()]) socket.destroy();
  }

  // As a draining process closes a connection whose head did not arrive in its grace: a FIN, nothing more read, and no
  // answer; a client that never answers the FIN does not hold the stop.
  #endHead(socket: Socket): void {
    this.#reading.get(socket)?.stop();
    this.#reading.delete(socket);
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  /** A process became ready: the connections waiting for one are handed over now. */
  wake(): void {
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const [socket, { head, timer, onClose }] of waiting) {
      clearTimeout(timer);
      socket.off('close', onClose);
      if (!socket.destroyed) this.#handOver(socket, head);
    }
  }

  // No process is ready (all crashed or restarting, the only one being replaced): the client waits a while for one,
  // rather than be accepted and reset at once.
  #wait(socket: Socket, head: Buffer | null): void {
    if (this.#closed || socket.destroyed || this.#waiting.size >= MAX_WAITING) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => {
      this.#waiting.delete(socket);
      socket.destroy();
    }, this.#readyWait);
    const onClose = () => {
      clearTimeout(timer);
      this.#waiting.delete(socket);
    };
    this.#waiting.set(socket, { head, timer, onClose });
    socket.once('close', onClose);
  }

  /**
   * Routes again a connection a worker handed back (it was draining when the connection reached it), whole and unread
   * past `head` (base64, as the router sent it). `pick` no longer gives that worker: it is draining.
   */
  reroute(socket: Socket, head: string | null): void {
    stopReading(socket);
    socket.on('error', () => socket.destroy());
    this.#handOver(socket, head === null ? null : Buffer.from(head, 'base64'));
  }

  #connection(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    if (this.#mode.by === 'ip') {
      this.#handOver(socket, null);
      return;
    }
    // What was read so far: `length` bytes of `buffer`, which doubles when a read does not fit, and each read is looked
    // through once. Copying the whole head into a new buffer at each read, and looking through all of it again for its
    // end, cost the one process that routes every connection time growing with the square of the head's length for a
    // client that sends it a byte at a time.
    let buffer = Buffer.alloc(0);
    let length = 0;
    let handedOver = false;
    // A deadline for the whole head: an idle timeout alone would let a client that sends a byte now and then hold its
    // connection in the primary for good (slowloris), where the app's own server would have closed it.
    const deadline = setTimeout(() => headTimedOut(socket, length > 0), this.#headTimeout);
    socket.once('close', () => {
      clearTimeout(deadline);
      this.#reading.delete(socket);
    });
    const onData = (chunk: Buffer) => {
      if (length === 0 && chunk[0] === TLS_HANDSHAKE) {
        // The headers are encrypted, and the handshake bytes read here could not be given back to the app's TLS
        // server (it reads the socket's handle itself): waiting for a head would hang the client until the timeout.
        this.#warnTls();
        socket.destroy();
        return;
      }
      const from = length;
      if (length + chunk.length > buffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(2 * buffer.length, length + chunk.length));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      length += chunk.copy(buffer, length);
      const head = buffer.subarray(0, length);
      if (!headReadable(head, from) && length < MAX_HEAD) return;
      handedOver = true;
      this.#reading.delete(socket);
      socket.off('data', onData);
      // Node's own round-robin never reads (`pauseOnConnect`); the router must read the head to choose.
      stopReading(socket);
      clearTimeout(deadline);
      this.#handOver(socket, head);
    };
    socket.on('data', onData);
    this.#reading.set(socket, {
      bytes: () => length,
      stop: () => {
        handedOver = true;
        socket.off('data', onData);
        clearTimeout(deadline);
      },
    });
    // The client half-closed (sent its FIN) before its head's end: node's own server answers what it read 400 (or
    // closes the connection, with nothing read), and so does the app's server once it gets the connection, which
    // reads that end too. The router used to close it at once, unanswered.
    socket.once('end', () => {
      if (handedOver || socket.destroyed) return;
      this.#reading.delete(socket);
      socket.off('data', onData);
      clearTimeout(deadline);
      if (length === 0) socket.destroy();
      else this.#handOver(socket, buffer.subarray(0, length));
    });
  }

  #handOver(socket: Socket, head: Buffer | null, attempt = 1): void {
    const text = head?.toString('latin1') ?? null;
    const target = this.#pinned(text) ?? this.#pick(hashKey(stickyKey(this.#mode, text, socket.remoteAddress)));
    if (!target) {
      this.#wait(socket, head);
      return;
    }
    const id = ++this.#nextId;
    const message: PrimaryMessage = {
      hive: 1,
      type: 'sticky-connection',
      head: head?.toString('base64') ?? null,
      id,
    };
    let pending = this.#pending.get(target);
    if (pending === undefined) {
      pending = new Map();
      this.#pending.set(target, pending);
    }
    pending.set(id, { socket, head, attempt });
    // keepOpen: the primary keeps its own copy until the worker's runtime acknowledges the connection (taken()), which
    // it does before reading from it. A descriptor written to the channel of a worker that dies before taking it dies
    // with the channel, and closing this copy once written (as before) reset such a client; kept, it goes to another
    // worker (forget()). Node's own close of the copy, at its low-level acknowledgement, would leave it open forever
    // when the worker dies first.
    target.send(
      message,
      socket,
      (error) => {
        if (error === null) return;
        // forget() may have routed it elsewhere already (the worker exited first): then it is no longer ours.
        const ours = this.#pending.get(target) === pending && pending.delete(id);
        if (!ours) return;
        // Not written (the worker's channel closed: it is dying, its exit not seen yet): the primary still holds the
        // connection whole, so the next ready worker gets it, a bounded number of times.
        if (attempt < MAX_HANDOVERS && !socket.destroyed) this.#handOver(socket, head, attempt + 1);
        else socket.destroy();
      },
      { keepOpen: true },
    );
  }

  // Cookie mode: the slot the runtime pinned the client to (its pin cookie), which served its first request and holds
  // the session the app created there. The app's own cookie hashes to an unrelated slot, so it comes second.
  #pinned(head: string | null): StickyTarget | undefined {
    if (this.#mode.by !== 'cookie' || head === null || this.#pinCookie === undefined) return undefined;
    const slot = pinnedSlot(head, this.#pinCookie);
    return slot === undefined ? undefined : this.#pickSlot(slot);
  }

  #warnTls(): void {
    if (this.#warnedTls) return;
    this.#warnedTls = true;
    const mode = this.#mode.by === 'ip' ? 'ip' : `${this.#mode.by}:${this.#mode.name}`;
    this.#onWarning(
      `--sticky ${mode} reads the HTTP request head, but a client started a TLS handshake: its connection is closed. ` +
        'Terminate TLS in front of hive (nginx), or use --sticky ip',
    );
  }

  /**
   * `target` acknowledged the connection of message `id` (`sticky-taken`): it holds it, and the router closes its own
   * copy (the connection stays open in the worker).
   */
  taken(target: StickyTarget, id: number): void {
    const pending = this.#pending.get(target);
    const handoff = pending?.get(id);
    if (handoff === undefined) return;
    pending!.delete(id);
    handoff.socket.destroy();
  }

  /**
   * `target`'s channel gave up on the connection of message `id`: the worker could not receive its descriptor (none
   * left: `ulimit -n`), never saw the message and never will (see connection-handoff.ts). As one a dying worker never
   * took, it goes to the next ready worker with its head, a bounded number of times, then is closed: the client gets
   * an answer or a reset, never a hang, and the router's copy does not stay open.
   */
  dropped(target: StickyTarget, id: number): void {
    const pending = this.#pending.get(target);
    const handoff = pending?.get(id);
    if (handoff === undefined) return;
    pending!.delete(id);
    const { socket, head, attempt } = handoff;
    if (attempt < MAX_HANDOVERS && !socket.destroyed) this.#handOver(socket, head, attempt + 1);
    else socket.destroy();
  }

  /**
   * A worker exited: the connections it had not acknowledged go to the worker `pick` gives now (by the same hash over
   * the ready ones; the exited one no longer counts), or wait for one when there is none. None of them was read by the
   * worker (its runtime acknowledges before it reads, and the acknowledgement is read before the channel's end), and
   * the primary still holds each one whole: its head, and the rest unread in the kernel. One the worker never took (its
   * descriptor still queued by node, or in the channel when it died) no longer exists there; one it took and had not
   * acknowledged yet is unread, and closing the worker's copy (its death) leaves the router's open.
   */
  forget(target: StickyTarget): void {
    const pending = this.#pending.get(target);
    this.#pending.delete(target);
    for (const { socket, head } of pending?.values() ?? []) {
      if (socket.destroyed) continue;
      this.#handOver(socket, head);
    }
  }
}

// As node's own server at its headersTimeout: a client that began a request hears 408 before the close (a proxy or a
// client library then knows it may retry); one that sent nothing is closed. A client that never reads its answer
// must not hold the socket either.
function headTimedOut(socket: Socket, started: boolean): void {
  if (!started) {
    socket.destroy();
    return;
  }
  socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  setTimeout(() => socket.destroy(), 1000).unref();
}
