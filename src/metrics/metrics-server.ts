import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { httpOrigin } from '../bind-host.js';
import { isCrossSiteRequest } from '../cross-site-request.js';
import { isLoopbackHost, isLoopbackHostHeader } from '../loopback-host.js';
import { MetricsPortInUseError } from './errors.js';
import { closeHttp, listenHttp } from './http-listen.js';
import { type HungCount, unresponsiveHealth } from './unresponsive-health.js';

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  port: number;
  /** Default 127.0.0.1: metrics and health name internals, so other hosts must be let in on purpose. */
  host?: string;
  /** The `/metrics` body, in `contentType`. */
  metrics: () => Promise<string>;
  contentType: string;
  /** `/readyz` answers 200 while this returns true, else 503. */
  ready: () => boolean;
  /** The end of the MetricsPortInUseError message, for a server whose port is not set by `--metrics-port`. */
  portInUseAdvice?: string;
  /** `/healthz` answers 503, with this text, while this returns one (nothing runs, nothing will by itself). Default: never. */
  down?: () => string | undefined;
  /**
   * Per app, its ready workers and those of them marked unresponsive (a blocked event loop), and for the daemon's
   * whether its primary is: while some are, `/healthz` and `/readyz` answer 200 `degraded`; once all of an app's are,
   * or its primary is, 503 (see unresponsiveHealth). Default: none.
   */
  hung?: () => readonly HungCount[];
  /**
   * `/healthz` answers 200 `degraded` even once all of an app's ready workers are unresponsive: the daemon's, as
   * restarting the daemon on its liveness probe would not unblock one app's workers, and would restart every app.
   */
  livenessIgnoresHung?: boolean;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `/metrics` (Prometheus text format), `/healthz` (200 while the primary is alive and `alive()` holds) and
 * `/readyz` (200 when `ready()` holds, else 503); both 200 `degraded` while some ready workers are unresponsive, 503
 * once all are (`hung`). Rejects with MetricsPortInUseError when the port cannot be bound.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  // Bound to this machine only, the endpoint answers only requests for it, as the dashboard does without a token: a
  // web page could otherwise read it through a visitor's browser by DNS rebinding. On other addresses Prometheus
  // scrapes by pod IP or host name, which must stay open.
  const localOnly = isLoopbackHost(host);
  const server = createServer((req, res) => void handle(options, localOnly, req, res));
  // A scraper's keep-alive connection must not hold the primary's exit.
  server.keepAliveTimeout = 5_000;
  const port = await listenHttp(
    server,
    options.port,
    host,
    (detail) => new MetricsPortInUseError(host, options.port, detail, options.portInUseAdvice),
  );
  return {
    host,
    port,
    close: () => closeHttp(server),
  };
}

/**
 * The one-line warning for an endpoint bound where other machines may reach it (any address but loopback, see
 * isLoopbackHost), or undefined on loopback. It has no token option: whatever reaches the port reads every process's
 * metrics, so the line says so once at start, naming `setting` (the flag or variable that moves it to loopback).
 */
export function exposedMetricsWarning(
  server: Pick<MetricsServer, 'host' | 'port'>,
  setting: string,
): string | undefined {
  if (isLoopbackHost(server.host)) return undefined;
  return (
    `the metrics endpoint on ${httpOrigin(server.host, server.port)} (/metrics, /healthz, /readyz) is open to other machines ` +
    `with no authentication (it takes no token): firewall the port, or set ${setting} 127.0.0.1 behind a proxy that ` +
    'authenticates'
  );
}

async function handle(
  options: MetricsServerOptions,
  localOnly: boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let path: string;
  try {
    // The absolute form (`GET http://host:9464/metrics`, RFC 9112 3.2.2) too, which a server must take.
    path = new URL(req.url ?? '/', 'http://metrics').pathname;
  } catch {
    // Node's parser lets through request targets (`//[`) that URL rejects.
    return reply(res, 400, 'text/plain', 'bad request\n');
  }
  // RFC 9110: a 405 says which methods the resource takes.
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return reply(res, 405, 'text/plain', 'method not allowed\n');
  }
  if (localOnly && !isLoopbackHostHeader(req.headers.host)) {
    return reply(
      res,
      403,
      'text/plain',
      'bound to a loopback address, the metrics endpoint answers only requests for localhost or a loopback address\n',
    );
  }
  // A page of another site cannot read the answer, but its `<script src>` or `<img>` pointed here was served: a full
  // scrape of every process for it. Prometheus, curl and health checkers send neither Sec-Fetch-Site nor Origin.
  if (isCrossSiteRequest(req)) {
    return reply(res, 403, 'text/plain', 'the metrics endpoint answers no request made for a page of another site\n');
  }
  if (path === '/healthz') {
    const down = options.down?.();
    if (down !== undefined) return reply(res, 503, 'text/plain', `${down}\n`);
    return replyHealth(res, options, 'ok', options.livenessIgnoresHung === true);
  }
  if (path === '/readyz') {
    return options.ready() ? replyHealth(res, options, 'ready', false) : reply(res, 503, 'text/plain', 'not ready\n');
  }
  if (path === '/metrics') {
    try {
      const body = await options.metrics();
      return reply(res, 200, options.contentType, body);
    } catch (error) {
      return reply(res, 500, 'text/plain', `${(error as Error).message}\n`);
    }
  }
  reply(res, 404, 'text/plain', 'not found: try /metrics, /healthz or /readyz\n');
}

function replyHealth(res: ServerResponse, options: MetricsServerOptions, fine: string, passHung: boolean): void {
  const { verdict, detail } = unresponsiveHealth(options.hung?.() ?? []);
  if (verdict === 'ok') reply(res, 200, 'text/plain', `${fine}\n`);
  else if (verdict === 'unresponsive' && !passHung) reply(res, 503, 'text/plain', `unresponsive: ${detail}\n`);
  else reply(res, 200, 'text/plain', `degraded: ${detail}\n`);
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  // nosniff: a browser may not run the text as a script another site's page loads, whatever its type.
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}
