import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { httpOrigin } from '../bind-host.js';
import { isCrossSiteRequest } from '../cross-site-request.js';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { isLoopbackHost, isLoopbackHostHeader } from '../loopback-host.js';
import { closeHttp, listenHttp } from '../metrics/http-listen.js';
import type { SnapshotSource } from '../metrics/snapshot.js';
import { DashboardPortInUseError, DashboardTokenRequiredError } from './errors.js';
import { pageHtml, pageStyle } from './page-html.js';
import { pageScript } from './page-script.js';
import { readSnapshot, snapshotTimeout } from './snapshot-read.js';
import { describeFailure, SnapshotStream } from './snapshot-stream.js';
import { hasToken } from './token-check.js';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** 0 picks a free port (see {@link DashboardServer.port}). */
  port: number;
  /** Default 127.0.0.1. Any non-loopback address needs a `token`. */
  host?: string;
  /**
   * Required by `/api/snapshot` and `/events` when set (`?token=` or `Authorization: Bearer`); the page passes on the
   * `?token=` it was opened with. Mandatory off loopback.
   */
  token?: string;
  /**
   * How often the live page gets a snapshot, ms; default 1000. A read of the source that takes longer than three
   * intervals (at least 2 s) is given up: the page gets ERR_HIVE_DASHBOARD_SNAPSHOT_TIMEOUT, and the next tick reads.
   * A page that has not read for 30 s of snapshots in a row (30 s / interval, at least 3) is dropped.
   */
  interval?: number;
}

/** A running dashboard. */
export interface DashboardServer {
  readonly host: string;
  readonly port: number;
  /** The page's address (without the token). */
  readonly url: string;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
// uPlot is a dependency of the package, served from it: the page works on machines with no internet (no CDN).
const assets: Record<string, { file: string; type: string }> = {
  '/assets/uPlot.iife.min.js': { file: 'uplot/dist/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  '/assets/uPlot.min.css': { file: 'uplot/dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
};
const assetCache = new Map<string, Buffer>();

/**
 * Sent with every answer. The page may not be framed (`frame-ancestors 'none'`, and `X-Frame-Options` for browsers
 * that predate it): a page of another site framing it, even 0x0, would have it open /events as its own, same-origin,
 * past isCrossSiteRequest. The page loads only the dashboard's own files (its styles and script are no inline ones)
 * and its `data:` icon. Its address may hold `?token=`, which no Referer may carry elsewhere.
 */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** What a browser loads into a frame or an embedding: the page is refused to another site's. */
const embeddingDestinations = new Set(['iframe', 'frame', 'embed', 'object']);

/**
 * Serves the live dashboard of a {@link SnapshotSource}: `GET /` the page (charts, instance table, request waterfall),
 * `GET /events` a server-sent event (`snapshot`) every `interval`, `GET /api/snapshot` one snapshot as JSON. Rejects
 * with DashboardTokenRequiredError on a non-loopback host without a token, DashboardPortInUseError when the port
 * cannot be bound.
 */
export async function startDashboard(source: SnapshotSource, options: DashboardOptions): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token === '' ? undefined : options.token;
  if (token === undefined && !isLoopbackHost(host)) throw new DashboardTokenRequiredError(host);
  const interval = options.interval ?? 1000;
  if (!(Number.isInteger(interval) && interval >= 100)) {
    throw new InvalidArgumentError(
      `Expected the \`interval\` option to be an integer >= 100 (ms), got ${describeValue(interval)}`,
    );
  }
  const stream = new SnapshotStream(source, interval);
  // A request must never take the process down with it: the dashboard runs inside the cluster's primary.
  const server = createServer((req, res) =>
    handle(req, res, source, stream, token, snapshotTimeout(interval)).catch(() => {
      if (!res.headersSent) reply(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    }),
  );
  server.keepAliveTimeout = 5_000;
  const port = await listenHttp(
    server,
    options.port,
    host,
    (detail) => new DashboardPortInUseError(host, options.port, detail),
  );
  return {
    host,
    port,
    url: `${httpOrigin(host, port)}/`,
    close: () => {
      stream.close();
      return closeHttp(server);
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  source: SnapshotSource,
  stream: SnapshotStream,
  token: string | undefined,
  timeout: number,
): Promise<void> {
  for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://dashboard');
  } catch {
    // Node's parser lets through request targets (`//[`) that URL rejects.
    return reply(res, 400, 'text/plain', 'bad request\n');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return reply(res, 405, 'text/plain', 'method not allowed\n');
  }
  // The page and uPlot hold no data, so they load without the token; the data endpoints check it.
  if (url.pathname === '/') {
    // A browser that ignores the headers above would still frame it: its request says it is for a frame.
    const dest = req.headers['sec-fetch-dest'];
    if (dest !== undefined && embeddingDestinations.has(dest) && isCrossSiteRequest(req)) {
      return reply(res, 403, 'text/plain', 'the dashboard may not be framed by a page of another site\n');
    }
    return reply(res, 200, 'text/html; charset=utf-8', pageHtml);
  }
  if (url.pathname === '/assets/dashboard.js') return reply(res, 200, 'text/javascript; charset=utf-8', pageScript);
  if (url.pathname === '/assets/dashboard.css') return reply(res, 200, 'text/css; charset=utf-8', pageStyle);
  const asset = assets[url.pathname];
  if (asset) return reply(res, 200, asset.type, readAsset(asset.file), 'public, max-age=3600');
  if (url.pathname !== '/events' && url.pathname !== '/api/snapshot') {
    return reply(res, 404, 'text/plain', 'not found: try /, /events or /api/snapshot\n');
  }
  // A page of another site cannot read the data, but must not have it read for it either (see isCrossSiteRequest).
  if (isCrossSiteRequest(req)) {
    return replyJson(res, 403, {
      code: null,
      message: "the dashboard's data is for its own page: a page of another site may not ask for it",
    });
  }
  // Without a token the data is only for this machine, which a web page elsewhere can still reach through the
  // browser by pointing its own name at 127.0.0.1 (DNS rebinding): such requests carry that name as Host.
  if (token === undefined && !isLoopbackHostHeader(req.headers.host)) {
    return replyJson(res, 403, {
      code: null,
      message: 'without a token the dashboard answers only requests for localhost or a loopback address',
    });
  }
  if (token !== undefined && !hasToken(req, url, token)) {
    res.setHeader('www-authenticate', 'Bearer realm="hive dashboard"');
    return replyJson(res, 401, {
      code: null,
      message: 'a token is required: open the page as /?token=<token>, or send Authorization: Bearer <token>',
    });
  }
  if (url.pathname === '/events') {
    // A HEAD (a monitor's probe) gets the stream's headers and its end: it would otherwise be held open as a page that
    // never gets a byte, with a snapshot read for it every interval.
    if (req.method === 'HEAD') return reply(res, 200, 'text/event-stream', '');
    return stream.add(res);
  }
  try {
    replyJson(res, 200, await readSnapshot(source, { timeout }));
  } catch (error) {
    replyJson(res, 503, describeFailure(error));
  }
}

function readAsset(file: string): Buffer {
  let body = assetCache.get(file);
  if (body === undefined) {
    body = readFileSync(require.resolve(file));
    assetCache.set(file, body);
  }
  return body;
}

function replyJson(res: ServerResponse, status: number, value: unknown): void {
  reply(res, status, 'application/json', JSON.stringify(value));
}

function reply(res: ServerResponse, status: number, type: string, body: string | Buffer, cache = 'no-store'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': cache });
  res.end(body);
}
