/**
 * The IPC protocol between a Hive primary and the runtime inside each app process. It lives on the runtime side so
 * that the runtime never imports from the cluster; the primary imports it from here.
 *
 * Every message carries `hive: PROTOCOL_VERSION`, and travels in node's internal form (`cmd: 'NODE_HIVE'`, see
 * {@link INTERNAL_CMD}), which keeps it out of the app's own `process.on('message')` listeners.
 */

import { HiveError } from '../errors.js';
import type { PoolStats } from '../pool/pool-stats.js';

/**
 * Bumped on any incompatible change of the messages below. A new message type is not one: a peer that does not know a
 * type ignores it.
 */
export const PROTOCOL_VERSION = 1;

/**
 * The `cmd` of Hive's messages on the wire. Node emits a message whose `cmd` starts with `NODE_` as 'internalMessage'
 * rather than 'message' on both ends of a child's IPC channel (lib/internal/child_process.js), which is how node's
 * cluster keeps its own traffic (`NODE_CLUSTER`) from the app: Hive's messages (cluster-size, sampling, shutdown,
 * sticky connections...) are hidden the same way, while the app's own messages share the channel as before.
 *
 * Undocumented, but node's cluster depends on it (every cluster worker's handshake and handle passing), and
 * test/cluster/ipc-hidden.test.ts checks it on each Node version CI runs. The alternatives are worse: a second
 * channel cannot carry the sockets of sticky mode (node passes handles over its one IPC channel only), and filtering
 * the 'message' event would mean patching `process.emit` for every event of the process.
 */
export const INTERNAL_CMD = 'NODE_HIVE';

/**
 * `--sticky cookie:<name>` mode: the name of the cookie in which the runtime tells the client its slot (the instance
 * number), and which the router reads first, so a client stays on the process that served its first request (and set
 * the app's own session cookie there), rather than moving to the slot the app's cookie hashes to. The runtime (from
 * its env: {@link ENV.appName}, {@link ENV.stickyPort}) and the primary (from its options) both get it here.
 *
 * One per app: browsers keep cookies per host, not per port (RFC 6265, 8.5), and apps behind one domain share them
 * too, so the one name of before (`hive_sticky`) let each app re-pin the other's clients, away from their sessions.
 * The app's name, reduced to cookie-name (token) characters; and its port, which tells apart two apps of one name on
 * one host (two `hive run app.mjs`).
 */
export function stickyCookieName(appName: string, port: number | string): string {
  return `hive_sticky_${appName.replace(/[^!#$%&'*+.^_`|~0-9A-Za-z-]/g, '_')}_${port}`;
}

/** The `listen-error` code of a `--socket` app whose server on `PORT` is not an HTTP one. */
export const SOCKET_SERVER_CODE = 'ERR_HIVE_SOCKET_SERVER';

/** Environment the primary sets in every app process. */
export const ENV = {
  managed: 'HIVE_MANAGED',
  /**
   * `1` in a fork-mode Node process, whose fork primary reads a `ready` and a `cluster-size-wanted` on its IPC channel
   * (and nothing else).
   */
  forkReady: 'HIVE_FORK_READY',
  /**
   * Set by the runtime, not the primary: the pid of the process that took the variables above for its own (the first
   * to load the runtime; in fork mode, where none is preloaded, the Node program the primary spawned, by the claim
   * it preloads: fork-claim.cts). Whatever the app starts inherits the environment, and a Node program it forks has
   * an IPC channel too (to the app): with another pid here, it is not the managed process. The primary unsets it.
   */
  managedPid: 'HIVE_MANAGED_PID',
  instance: 'HIVE_INSTANCE',
  clusterSize: 'HIVE_CLUSTER_SIZE',
  pm2Instance: 'NODE_APP_INSTANCE',
  /** PM2's `pm_id`: unique among a daemon's app processes, 0 for instance 0 of app 0 (cluster/pm-id.ts). */
  pm2Id: 'pm_id',
  /** Read by the primary, not the app: the app's id in the daemon (`hive ls`), which pm_id is made of. */
  appId: 'HIVE_APP_ID',
  /**
   * Read by the primary, not the app (it unsets it in its processes): set by the daemon for a cluster app's primary to
   * the PORT of the app's own env (`--env`, a config file's `env`), which is then given, unlike a PORT the primary's
   * environment merely inherited from a shell (cluster/app-port.ts).
   */
  givenPort: 'HIVE_GIVEN_PORT',
  appName: 'HIVE_APP_NAME',
  balance: 'HIVE_BALANCE',
  stickyPort: 'HIVE_STICKY_PORT',
  /** `1` in `--sticky cookie:<name>` mode: the app's responses set {@link stickyCookieName} to this process's slot. */
  stickyCookie: 'HIVE_STICKY_COOKIE',
  drainIdleGrace: 'HIVE_DRAIN_IDLE_GRACE',
  /** ms: the idle keep-alive timeout of the app's HTTP(S) servers left at node's default (keep-alive-timeout.ts). */
  keepAliveTimeout: 'HIVE_KEEP_ALIVE_TIMEOUT',
  reportInterval: 'HIVE_REPORT_INTERVAL',
  serverTiming: 'HIVE_SERVER_TIMING',
  /**
   * `0` (`--no-http-metrics`, `httpMetrics: false`): the runtime counts no HTTP request (no diagnostics-channel
   * subscription, nothing per request or connection), and its reports carry no `http` part. Unset or `1`: counted.
   */
  httpMetrics: 'HIVE_HTTP_METRICS',
  /** How many requests per report interval the runtime samples for the request timeline (0 or unset: none). */
  requestSamples: 'HIVE_REQUEST_SAMPLES',
  /**
   * `1`: the primary collects the app's own prom-client metrics (`--metrics-port`, or a daemon with a metrics port), so
   * a retiring process sends its last ones (final-app-metrics.ts). Unset: no one reads them, and a retirement does not
   * serialize the app's registry for nothing.
   */
  appMetrics: 'HIVE_APP_METRICS',
  /** `1`: track every request's async context, so that `requestId()` works without the request object. */
  trackRequests: 'HIVE_TRACK_REQUESTS',
  /** A Unix socket path the app's HTTP server also listens on (`hive run --socket`), its mode in octal, its gid. */
  socket: 'HIVE_SOCKET',
  socketMode: 'HIVE_SOCKET_MODE',
  socketGid: 'HIVE_SOCKET_GID',
  /**
   * `1`: a retiring process, once drained and its hooks run, gets PM2's `'shutdown'` message and exits itself (PM2's
   * `shutdown_with_message`), rather than being exited by the runtime.
   */
  shutdownMessage: 'HIVE_SHUTDOWN_MESSAGE',
  /**
   * `1`: on a SIGTERM sent to it directly, the process says `draining` and keeps serving until the primary's
   * `shutdown`, which a cluster primary sends once the slot's replacement is ready (or at once when it starts none):
   * the port is never left without a listening process. Unset (an older primary): it drains at once.
   */
  sigtermHandover: 'HIVE_SIGTERM_HANDOVER',
  /**
   * Read by the primary, not the app: PM2's `instance_var` (a variable the primary sets to the instance number in place
   * of NODE_APP_INSTANCE) and `increment_var` (a variable the primary adds the instance number to: `PORT` 3000 is 3000,
   * 3001, ...).
   */
  instanceVar: 'HIVE_INSTANCE_VAR',
  incrementVar: 'HIVE_INCREMENT_VAR',
} as const;

/**
 * The protocol a listening server speaks: `http` (node:http), `https` (node:https), `h2c` (node:http2's
 * `createServer()`, HTTP/2 in cleartext, which never answers HTTP/1.x), `h2` (`createSecureServer()`: HTTP/2 over TLS
 * only), `h2-http1` (`createSecureServer({ allowHTTP1: true })`: HTTP/1.1 over TLS too), `tls` and `tcp` (another
 * node:tls or node:net server).
 */
export type ServerKind = 'http' | 'https' | 'h2c' | 'h2' | 'h2-http1' | 'tls' | 'tcp';

/** Messages from an app process to its primary. */
export type WorkerMessage =
  /**
   * A server of the process listens: sent for each one, so that the primary can tell the app's server (on the app's
   * port) from others (an admin or metrics server). Not a protocol change: a primary reads it for each (an older one
   * counted the first as ready, as it still does without a known port), and the runtime that sends it is the primary's
   * own. `address` is a path for a server on a Unix socket (port null). `sticky`: the server on the sticky port, which
   * listens on a private port. `socket`: the `--socket` listener of the app's server (whose address this is) listens on
   * that path. `kind`: the protocol it speaks ({@link ServerKind}); absent from an older runtime.
   */
  | {
      hive: 1;
      type: 'listening';
      address: string | null;
      port: number | null;
      sticky?: true;
      socket?: string;
      kind?: ServerKind;
    }
  /**
   * Sticky mode: the app's server asked to listen on the sticky port (on `host`, null for node's default; IPv6 only
   * with `ipv6Only`, as listen()'s option); the primary answers `sticky-listening` once its router listens there (it
   * binds it for the first such ask).
   */
  | { hive: 1; type: 'sticky-listen'; id: number; host: string | null; ipv6Only?: true }
  /**
   * `reuseport` balance: the app's server is about to bind its own SO_REUSEPORT socket on `port` (on `host`, null for
   * node's default); the primary answers `reuseport-clear` once no other program's sockets hold it (it binds the
   * port plainly for the first such ask: another program's SO_REUSEPORT group would take the bind in without a word).
   */
  | { hive: 1; type: 'reuseport-listen'; id: number; host: string | null; port: number }
  | { hive: 1; type: 'ready' }
  /**
   * A pool of the process (the runtime's `pool()`, any hive/pool `Pool`) started threads at construction: a primary
   * still waiting for the process to be ready waits for its `pool-loaded` too (see pool/first-load.ts). `id` numbers
   * the pool in the process. An older primary ignores both, as it ignores any type it does not know.
   */
  | { hive: 1; type: 'pool-loading'; id: number; filename: string }
  /**
   * The pool's first thread loaded the task module; with `error` (its code and message), it failed to, and the
   * process is not ready.
   */
  | { hive: 1; type: 'pool-loaded'; id: number; error?: string }
  /**
   * Fork mode only: the runtime (hive/runtime, imported by the app) follows the app's size. The fork primary answers
   * with `cluster-size` at once and again on each scale, in the wire form ({@link INTERNAL_CMD}), as a cluster's
   * primary tells its workers; a process that does not ask (another program, an app without the runtime) gets none.
   */
  | { hive: 1; type: 'cluster-size-wanted' }
  /**
   * The process got a SIGTERM sent to it directly, not the primary's `shutdown`: the primary must stop handing it
   * connections (sticky mode) before it exits. With {@link ENV.sigtermHandover} it drains only at the primary's
   * `shutdown`, else at once.
   */
  | { hive: 1; type: 'draining' }
  /**
   * Sent with a socket: a connection the primary handed over (`sticky-connection`, its `head` as given) that reached
   * the process once it was draining. The primary routes it to another process, as it would have had it known.
   */
  | { hive: 1; type: 'sticky-return'; head: string | null }
  /**
   * The process holds the connection of the `sticky-connection` numbered `id`, and has read nothing from it yet: the
   * primary closes its own copy, which it kept to hand the connection to another process should this one die first.
   */
  | { hive: 1; type: 'sticky-taken'; id: number }
  /**
   * A listen failed; `socket` is set when it was the `--socket` path rather than the app's port; `port` is null for a
   * Unix socket. `handled`: the app has an 'error' listener of its own on that server, so the process goes on (an
   * optional second server of the app's, say); without it the error crashes the process. Code
   * {@link SOCKET_SERVER_CODE}: the server on `PORT` is of a kind the socket cannot serve (`message` names it).
   */
  | {
      hive: 1;
      type: 'listen-error';
      code: string;
      message: string;
      port: number | null;
      socket?: string;
      handled?: true;
    }
  | { hive: 1; type: 'memory'; rss: number; heapUsed: number }
  | ({ hive: 1; type: 'metrics' } & MetricsReport)
  /**
   * The answer to `app-metrics-request`: prom-client's `getMetricsAsJSON()`, null without prom-client in the app. With
   * `final` (and id 0), sent unasked by a retiring process after its drain and onShutdown hooks, before its exit: what
   * it counted since the last scrape, which its exit would lose.
   */
  | { hive: 1; type: 'app-metrics'; id: number; metrics: unknown[] | null; error?: string; final?: true }
  /**
   * A retiring process, its servers closed, asks the primary to answer before it exits: the answer comes after every
   * connection the primary handed it before it learnt of the close (see `flush` below).
   */
  | { hive: 1; type: 'flush' }
  /** `broadcast()` of hive/runtime: the primary relays `data` to every other process of the app. */
  | { hive: 1; type: 'broadcast'; data: unknown };

/**
 * What an app process reports every report interval (`metrics`): gauges are read at report time, `*Delta` fields
 * count since the previous report (the primary sums them, so a counter survives neither a lost message nor a restart
 * by surprise), and the event-loop delay percentiles cover the interval only. Durations in ms, sizes in bytes.
 */
export interface MetricsReport {
  /** Length of the interval this report covers. */
  intervalMs: number;
  /**
   * CPU time (user + system) used in the interval, in ms; `cpuPercent` is its share of the interval (100 = a core). The
   * first report's also holds what the process used before its reporter started (not in its `cpuPercent`).
   */
  cpuMs: number;
  cpuPercent: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Event-loop utilization in the interval, 0..1. */
  elu: number;
  loopDelayP50: number;
  loopDelayP99: number;
  loopDelayMax: number;
  /**
   * The process's HTTP requests; absent when the app turned the counting off ({@link ENV.httpMetrics}): "not
   * counted", which zeros would pass off as "no traffic".
   */
  http?: HttpReport;
  pools: PoolReport[];
  /**
   * A few requests of the interval with their timeline (the slowest first), for the dashboard's waterfall; sent only
   * when the primary asks for samples ({@link ENV.requestSamples}).
   */
  samples?: RequestSample[];
}

/** One sampled request's path through the process and the pool's threads. Times in ms. */
export interface RequestSample {
  /** The request's `X-Request-Id` (as nginx or a client sent it), else one the runtime made. */
  id: string;
  method: string;
  /** The URL path, without the query string. */
  path: string;
  status: number;
  /** When the request arrived, epoch ms. */
  start: number;
  /** From the request's arrival to its response's end. */
  totalMs: number;
  /** The pool tasks it ran, as offsets from `start`: queued, started on `thread`, ended. */
  tasks: { thread: number; queuedAt: number; startAt: number; endAt: number }[];
}

/** HTTP requests of the process's servers: `inFlight` now, the rest counted in the interval. */
export interface HttpReport {
  inFlight: number;
  /** Responses finished in the interval, by status class: [1xx, 2xx, 3xx, 4xx, 5xx]. */
  classes: [number, number, number, number, number];
  /** Requests whose connection closed before the response was sent in full. */
  aborted: number;
  /** Response time percentiles (arrival to end) of the interval's finished responses, ms; 0 when there were none. */
  latencyP50: number;
  latencyP99: number;
  /**
   * Open connections now: HTTP/1 ones (upgraded ones not) plus HTTP/2 sessions, and upgraded (WebSocket) ones. Absent
   * from a runtime older than the primary.
   */
  openConnections?: number;
  upgradedConnections?: number;
  /**
   * The interval's finished responses' times as histograms at {@link HTTP_DURATION_BUCKETS_MS}, one per method and
   * status class seen; absent from a runtime older than the primary.
   */
  durations?: HttpDurations[];
}

/** Response times of one method (GET ... TRACE, else `other`) and status class (`2xx`) in a report interval. */
export interface HttpDurations extends HistogramReport {
  method: string;
  codeClass: string;
}

/** Upper bounds, in ms, of the HTTP response time histograms: Prometheus's defaults, from 1 ms to a minute. */
export const HTTP_DURATION_BUCKETS_MS: readonly number[] = [
  1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
];

/** Durations as a histogram: `buckets[i]` of `count` were at most bound i (bounds known to both sides), `sum` ms. */
export interface HistogramReport {
  count: number;
  sum: number;
  buckets: number[];
}

/**
 * One shared pool (created through the runtime's `pool()`), as its `pool.stats` says now: `completed`, `failed`,
 * `wait` and `run` (histograms at the pool's DURATION_BUCKETS_MS) since the pool started, which the primary turns into
 * per-slot counters by taking differences; `utilization` over the report interval (run time of the tasks that ended
 * in it / (interval x maxThreads), at most 1).
 */
export interface PoolReport extends Pick<PoolStats, 'threads' | 'busy' | 'queued' | 'completed' | 'failed'> {
  /**
   * The pool's label: its task module's file name, or its path from the app's folder while another pool of the
   * process has a task file of that name. It can change (when such a pool is created), so it is not the pool's key.
   */
  name: string;
  /** The task module's URL, or its path: what tells the pool's reports apart from others', whatever its label. */
  path?: string;
  /**
   * The pool object's number in its process, never reused there: a pool the app closed and made again for the same
   * task file (under another URL, `task.js?v=2`) has the same `path` but counts from 0, and the same `path` can be two
   * pools at once (the closed one is still reported). Absent from an older runtime's reports.
   */
  id?: number;
  maxThreads: number;
  utilization: number;
  /** Since the pool started. */
  waitP99: number;
  runP99: number;
  wait: HistogramReport;
  run: HistogramReport;
}

/** Messages from the primary to an app process. */
export type PrimaryMessage =
  /** `groupSignal`: the primary stops on a Ctrl-C, which this process (in the same process group) got too. */
  | { hive: 1; type: 'shutdown'; idleGrace: number; groupSignal?: 'SIGINT' }
  /**
   * The cluster was scaled (or the process just got ready): it updates HIVE_CLUSTER_SIZE and its 'auto' shared pools.
   */
  | { hive: 1; type: 'cluster-size'; size: number }
  /**
   * Sent with a socket (sticky mode): a client's connection, `head` (base64) what the primary read of it. `id` is to be
   * acknowledged (`sticky-taken`) before the process reads from it or acts on the head; a primary from before
   * acknowledgements sends none.
   */
  | { hive: 1; type: 'sticky-connection'; head: string | null; id?: number }
  /** The answer to `sticky-listen`: the router's address, or why it could not listen (`code`: EADDRINUSE...). */
  | {
      hive: 1;
      type: 'sticky-listening';
      id: number;
      address?: { address: string; family: string; port: number };
      error?: { code: string; message: string };
    }
  /** The answer to `reuseport-listen`: bind, or why not (`code`: EADDRINUSE, EACCES...). */
  | { hive: 1; type: 'reuseport-clear'; id: number; error?: { code: string; message: string } }
  | { hive: 1; type: 'app-metrics-request'; id: number }
  /** Request sampling on (`size` slowest requests per report) or off (0), while a live view wants the waterfall. */
  | { hive: 1; type: 'sampling'; size: number }
  /** The answer to a worker's `flush`: nothing the primary sent before it is still on its way. */
  | { hive: 1; type: 'flushed' }
  /** Another process's `broadcast(data)`, relayed; `from` is that process's instance. */
  | { hive: 1; type: 'broadcast'; data: unknown; from: number };

type Message = { hive: number; type: string };

/** A peer speaks another version of the protocol (a primary and a runtime from different Hive releases). */
export class ProtocolVersionError extends HiveError {
  constructor(version: unknown) {
    super(
      'ERR_HIVE_PROTOCOL',
      `Hive IPC protocol version ${String(version)} received, this side speaks ${PROTOCOL_VERSION}`,
    );
  }
}

const workerTypes = new Set([
  'listening',
  'ready',
  'pool-loading',
  'pool-loaded',
  'cluster-size-wanted',
  'draining',
  'sticky-return',
  'sticky-taken',
  'listen-error',
  'sticky-listen',
  'reuseport-listen',
  'memory',
  'metrics',
  'app-metrics',
  'flush',
  'broadcast',
]);
const primaryTypes = new Set([
  'shutdown',
  'cluster-size',
  'sticky-connection',
  'sticky-listening',
  'reuseport-clear',
  'app-metrics-request',
  'sampling',
  'flushed',
  'broadcast',
]);

/** A message in the wire form of Hive's messages ({@link INTERNAL_CMD}). */
export function toWire<T extends WorkerMessage | PrimaryMessage>(message: T): T & { cmd: typeof INTERNAL_CMD } {
  return { cmd: INTERNAL_CMD, ...message };
}

/** Whether an 'internalMessage' is Hive's (node's own, `NODE_CLUSTER` and `NODE_HANDLE_ACK`, share the event). */
export function isHiveInternal(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { cmd?: unknown }).cmd === INTERNAL_CMD;
}

function decode(value: unknown, types: Set<string>): Message | undefined {
  if (typeof value !== 'object' || value === null || !('hive' in value)) return undefined;
  // Another internal message that happens to hold a `hive` key is not Hive's.
  const cmd = (value as { cmd?: unknown }).cmd;
  if (cmd !== undefined && cmd !== INTERNAL_CMD) return undefined;
  const message = value as Partial<Message>;
  if (message.hive !== PROTOCOL_VERSION) throw new ProtocolVersionError(message.hive);
  if (typeof message.type !== 'string' || !types.has(message.type)) return undefined;
  return message as Message;
}

/**
 * A message from an app process, or undefined when it is not Hive's (the app's own IPC traffic). Also in the plain
 * form (without `cmd`, as a 'message'): what an app's own copy of an older hive/runtime sends.
 */
export function decodeWorkerMessage(value: unknown): WorkerMessage | undefined {
  return decode(value, workerTypes) as WorkerMessage | undefined;
}

/** A message from the primary, or undefined when it is not Hive's. */
export function decodePrimaryMessage(value: unknown): PrimaryMessage | undefined {
  return decode(value, primaryTypes) as PrimaryMessage | undefined;
}
