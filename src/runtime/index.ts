/**
 * `hive/runtime`: what an app process gets from Hive. The primary preloads it into every app process, so an
 * unmodified app already drains gracefully and is detected ready when it listens; importing it gives more control.
 * Without a Hive primary every function still works: `ready()` is a no-op, `onDrain` and `onShutdown` hooks run on
 * SIGTERM or SIGINT (in fork mode with `shutdown_with_message`, on its 'shutdown' message) as the process's HTTP
 * servers begin to drain and once they have, and `broadcast()` has no other process to reach.
 */
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Pool, PoolOptions } from '../pool/index.js';
import { install } from './install.js';
import { isManaged, isPrimaryChild, sendToPrimary } from './ipc.js';
import { ENV } from './protocol.js';
import { currentRequest, requestIdOf, trackRequests as trackRequestsOf } from './request-context.js';
import { sharedPool } from './shared-pool.js';
import { retireOnStop } from './shutdown.js';

const state = install();

/**
 * True when this process runs under a Hive cluster primary (`hive run`, a cluster-mode app of `hive start`); false in
 * fork mode, whose primary stops the process with a signal that the app handles itself, as without Hive.
 */
export const isPrimaryManaged: boolean = isManaged();

/** This process's slot in its cluster, 0-based and stable across restarts of the slot; 0 without Hive. */
export const instance: number = Number.parseInt(process.env[ENV.instance] ?? '0', 10) || 0;

/**
 * How many app processes the cluster runs now (it changes on scale); 1 without Hive. In fork mode too, from the
 * primary's answer to the runtime's ask (the app's instance count as this process started until then).
 */
export function clusterSize(): number {
  return Number.parseInt(process.env[ENV.clusterSize] ?? '1', 10) || 1;
}

/**
 * Tells the primary this process is ready to serve. Needed only when the app runs with `waitReady` (it then counts as
 * ready on this call, not when it listens): for apps that must warm up (caches, connections) first.
 */
export function ready(): void {
  if (state.readySent) return;
  state.readySent = true;
  // A fork-mode process has no runtime of Hive's loaded, only a channel that waits for this (with waitReady).
  if (
    process.env[ENV.forkReady] === '1' &&
    isPrimaryChild() &&
    typeof process.send === 'function' &&
    process.connected
  ) {
    process.send({ hive: 1, type: 'ready' });
    return;
  }
  sendToPrimary({ hive: 1, type: 'ready' });
}

/**
 * Registers a hook that runs when the process is retired (reload, scale down, stop, memory limit), after its HTTP
 * servers stopped accepting and their connections drained, before it exits. Hooks run in registration order and may
 * be async; the primary's killTimeout bounds them. Returns a function that unregisters the hook.
 */
export function onShutdown(hook: () => unknown): () => void {
  return register(state.hooks, hook, 'onShutdown');
}

/**
 * Registers a hook that runs as soon as the process begins to retire, once its HTTP servers have stopped accepting and
 * while the drain waits for the requests in flight: the place to end what would never end by itself, such as
 * Server-Sent Events streams and long polls (a response ended here still goes out whole, with `Connection: close`).
 * Without it such a response holds the drain until killTimeout's SIGKILL, and the onShutdown hooks never run. Hooks
 * run in registration order and may be async; the drain and then the onShutdown hooks go on once they are done.
 * Returns a function that unregisters the hook.
 */
export function onDrain(hook: () => unknown): () => void {
  state.drainHooks ??= [];
  return register(state.drainHooks, hook, 'onDrain');
}

// A retirement hook in `hooks`; the first one makes a process no primary manages retire on SIGTERM and SIGINT.
function register(hooks: (() => unknown)[], hook: () => unknown, what: string): () => void {
  if (typeof hook !== 'function') throw new TypeError(`${what} expects a function, got ${typeof hook}`);
  hooks.push(hook);
  if (!state.signalsHandled) {
    state.signalsHandled = true;
    retireOnStop(state);
  }
  return () => {
    const index = hooks.indexOf(hook);
    if (index === -1) return;
    // While the hooks run, the slot is emptied, not removed: removing would shift the hooks after it under the
    // running loop's index, and the next one would be skipped (a hook that unregisters itself does this).
    if (state.shuttingDown !== undefined) hooks[index] = () => {};
    else hooks.splice(index, 1);
  };
}

/**
 * The process's shared `hive/pool` for a task module (one per module, created on first call): `maxThreads: 'auto'`
 * sizes it for the cluster, so N processes with a pool each do not oversubscribe the cores, and resizes it when the
 * cluster is scaled (unless `options.maxThreads` fixes it). Closed when the process is retired, after the onShutdown
 * hooks. `options` apply on the first call for that module; a later call may omit them or repeat them, and one that
 * gives a different value for a key throws ERR_HIVE_INVALID_ARGUMENT naming it.
 */
export function pool(filename: string | URL, options?: Omit<PoolOptions, 'filename'>): Pool {
  return sharedPool(state, filename, options);
}

/**
 * The id of an HTTP request, for the app's logs: its `X-Request-Id` header (nginx's `$request_id` with the config
 * `hive edge nginx` writes, or the client's own) when it is printable ASCII without quotes or backslashes and at
 * most 200 characters, else a random UUID made once per request. It is also the id in the request's
 * `Server-Timing` description and in the dashboard's waterfall.
 *
 * `req` is node:http's `IncomingMessage` (Express, Fastify, Koa's `ctx.req`) or node:http2's `Http2ServerRequest`
 * (an HTTP/2 app of node's compatibility API, Fastify's `http2: true`). With `req`, it always works. Without, it is
 * the id of the request whose code is running now (across awaits), which needs request tracking on:
 * `--server-timing`, request sampling (`--dashboard`), `HIVE_TRACK_REQUESTS=1` or {@link trackRequests}; else, and
 * outside a request, undefined. An HTTP/2 server's requests are tracked only when it has a `request` listener of its
 * own (node's compatibility API), not on an app of the stream API (its 'stream' listener only).
 *
 * @example
 * ```ts
 * app.get('/orders', async (req, res) => {
 *   log.info({ requestId: requestId(req) }, 'listing orders');
 * });
 * ```
 */
export function requestId(req?: IncomingMessage | Http2ServerRequest): string | undefined {
  if (req !== undefined) return requestIdOf(req);
  const context = currentRequest();
  return context === undefined ? undefined : requestIdOf(context.req);
}

/**
 * Turns on request tracking in this process (idempotent), so that {@link requestId} works without the request
 * object, also deep in the app's code. Off by default: it keeps an `AsyncLocalStorage` context per request, which
 * makes every promise of the process a little dearer. `HIVE_TRACK_REQUESTS=1` turns it on before the app loads.
 */
export function trackRequests(): void {
  trackRequestsOf(state.tracker, 'app');
}

export { type Broadcastable, broadcast, onBroadcast } from './broadcast.js';
export { PROTOCOL_VERSION } from './protocol.js';
export type { BroadcastHandler } from './state.js';
