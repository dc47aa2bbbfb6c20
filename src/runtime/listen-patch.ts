import { Server as NetServer } from 'node:net';
import { isManaged, sendToPrimary } from './ipc.js';
import { askPrimary, listenError } from './primary-ask.js';
import { ENV, type PrimaryMessage } from './protocol.js';
import { serverKind } from './server-kind.js';
import { attachSocket, isRuntimeOwned } from './socket-listener.js';
import type { RuntimeState } from './state.js';
import { pinStickyClients } from './sticky-cookie.js';
import { listenSticky } from './sticky-listen.js';

type Listen = (this: NetServer, ...args: unknown[]) => NetServer;

interface PortListen {
  port: number;
  host: string | undefined;
  backlog: number | undefined;
  callback: ((...args: unknown[]) => void) | undefined;
  options: Record<string, unknown>;
}

/**
 * Wraps `net.Server#listen` for every server of the process: the runtime learns of each server (graceful drain,
 * ready detection) without the app telling it, and the balance mode may rewrite where a server really listens:
 * - `reuseport`: each app process binds its own SO_REUSEPORT socket (`exclusive`), the kernel spreads connections,
 *   once the primary has found the port free of other programs' sockets;
 * - sticky: the primary owns the public port and hands sockets over, so the app's server listens on a private
 *   loopback port only to be a live server; the primary never sends it connections through that port. The listen
 *   first asks the primary to open the public port (on the app's host), see listenSticky.
 */
export function patchListen(state: RuntimeState): void {
  const original = NetServer.prototype.listen as unknown as Listen;
  const patched: Listen = function (this: NetServer, ...args: unknown[]) {
    if (isRuntimeOwned(this)) return original.apply(this, args);
    state.tracker.track(this);
    reportListening(this, state);
    const sticky = stickyListen(args);
    if (sticky !== undefined) {
      if (!state.stickyServers.includes(this)) state.stickyServers.push(this);
      pinStickyClients(this);
      const privately = [
        { port: 0, host: '127.0.0.1', exclusive: true },
        ...(sticky.callback ? [sticky.callback] : []),
      ];
      listenSticky(
        this,
        sticky.host,
        sticky.port,
        () => original.apply(this, privately),
        sticky.options.ipv6Only === true,
      );
      return this;
    }
    const reused = reusePortListen(args);
    if (reused !== undefined) {
      const { host, port, options, callback } = reused;
      // Bound only once the primary has found no other program on the port (see reuseport-listen in protocol.ts).
      askPrimary<Extract<PrimaryMessage, { type: 'reuseport-clear' }>>(
        (id) => sendToPrimary({ hive: 1, type: 'reuseport-listen', id, host: host ?? null, port }),
        (answer) => {
          if (answer.error !== undefined) this.emit('error', listenError(answer.error, host, port));
          else
            original.apply(this, [{ ...options, exclusive: true, reusePort: true }, ...(callback ? [callback] : [])]);
        },
      );
      return this;
    }
    return original.apply(this, withoutOwnReusePort(args));
  };
  NetServer.prototype.listen = patched as unknown as typeof NetServer.prototype.listen;
}

// A listen on the sticky port: the primary's router takes the public port, the app's server a private one.
function stickyListen(args: unknown[]): PortListen | undefined {
  const listen = parsePortListen(args);
  const stickyPort = stickyPortOf();
  return listen !== undefined && stickyPort !== undefined && listen.port === stickyPort ? listen : undefined;
}

function stickyPortOf(): number | undefined {
  const port = Number(process.env[ENV.stickyPort]);
  return isManaged() && port > 0 ? port : undefined;
}

// A listen on a port under `reuseport` balance: each process binds its own SO_REUSEPORT socket there.
function reusePortListen(args: unknown[]): PortListen | undefined {
  if (!isManaged() || process.env[ENV.balance] !== 'reuseport') return undefined;
  const listen = parsePortListen(args);
  return listen !== undefined && listen.port > 0 ? listen : undefined;
}

/**
 * The listen's arguments without an app's own `reusePort: true` (Node >= 22.12) under rr or os balance: with it, each
 * worker binds a socket of its own instead of the primary's shared handle, past the primary's check that no other
 * program holds the port (whose SO_REUSEPORT socket would then share the app's clients). The balance is Hive's:
 * `--balance reuseport` is the way to it.
 */
function withoutOwnReusePort(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (!isManaged() || typeof first !== 'object' || first === null) return args;
  if ((first as Record<string, unknown>).reusePort !== true) return args;
  return [{ ...(first as Record<string, unknown>), reusePort: false }, ...rest];
}

/** Normalizes the port forms of listen(): (port, host?, backlog?, cb?) and ({ port, host, ... }, cb?). */
function parsePortListen(args: unknown[]): PortListen | undefined {
  const callback = typeof args.at(-1) === 'function' ? (args.at(-1) as PortListen['callback']) : undefined;
  const [first, second, third] = args;
  if (typeof first === 'object' && first !== null) {
    const options = first as Record<string, unknown>;
    if (options.path !== undefined || options.handle !== undefined || options.fd !== undefined) return undefined;
    if (options.port === undefined) return undefined;
    return {
      port: Number(options.port),
      host: options.host as string | undefined,
      backlog: options.backlog as number | undefined,
      callback,
      options,
    };
  }
  const port =
    typeof first === 'number' ? first : typeof first === 'string' && /^\d+$/.test(first) ? Number(first) : NaN;
  if (Number.isNaN(port)) return undefined;
  const host = typeof second === 'string' ? second : undefined;
  const backlog = typeof second === 'number' ? second : typeof third === 'number' ? third : undefined;
  const options: Record<string, unknown> = { port };
  if (host !== undefined) options.host = host;
  if (backlog !== undefined) options.backlog = backlog;
  return { port, host, backlog, callback, options };
}

/**
 * The error's message, with the address said: in cluster mode node's error for a server with no host carries address
 * null (`bind EADDRINUSE null:3000`), where the primary tried every address.
 */
function listenErrorMessage(error: NodeJS.ErrnoException): string {
  const { address, port } = error as { address?: string | null; port?: number };
  if (address !== null || port === undefined) return error.message;
  return `${error.syscall ?? 'listen'} ${error.code} *:${port} (every address)`;
}

/**
 * Tells the primary of every server that listens, or why one could not: the primary picks the app's server among them
 * (the one on the app's port, see WorkerProcess), whose listen is the default ready signal.
 */
function reportListening(server: NetServer, state: RuntimeState): void {
  const onError = (error: NodeJS.ErrnoException) => {
    server.off('listening', onListening);
    // The app's own handler, if any, is called after this one (ours is a once listener, already removed).
    const handled = server.listenerCount('error') > 0;
    if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
      // Node says -1 for a Unix socket's path.
      const errorPort = (error as { port?: number }).port;
      const port = errorPort !== undefined && errorPort >= 0 ? errorPort : null;
      const message = listenErrorMessage(error);
      sendToPrimary({ hive: 1, type: 'listen-error', code: error.code, message, port, ...(handled && { handled }) });
    }
    // Without a handler of the app's own, the error must still crash the process as it would without Hive.
    if (!handled) throw error;
  };
  const onListening = () => {
    server.off('error', onError);
    const address = server.address();
    const info = typeof address === 'object' && address !== null ? address : null;
    const listening = {
      hive: 1,
      type: 'listening',
      address: info ? info.address : typeof address === 'string' ? address : null,
      port: info ? info.port : null,
      kind: serverKind(server),
    } as const;
    // With `--sticky`, the router hands connections only to the server on the sticky port, which listens on a private
    // port: the primary cannot tell it by its address.
    sendToPrimary(state.stickyServers.includes(server) ? { ...listening, sticky: true } : listening);
    // With `--socket`, the process is ready once the socket of its app server listens (attachSocket reports a failure
    // itself). Only in the managed process: a program the app started inherits HIVE_SOCKET with the rest of its
    // environment.
    const socket = process.env[ENV.socket];
    if (isManaged() && socket) {
      attachSocket(server, state, (error) => {
        if (error === undefined) sendToPrimary({ ...listening, socket });
      });
    }
  };
  server.prependOnceListener('error', onError);
  server.once('listening', onListening);
}
