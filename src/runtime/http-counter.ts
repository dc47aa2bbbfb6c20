import { subscribe } from 'node:diagnostics_channel';
import type { Server as HttpServer, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Server, ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { HTTP_DURATION_BUCKETS_MS, type HttpDurations, type HttpReport } from './protocol.js';

const kStart = Symbol('hive.requestStart');
const kMethod = Symbol('hive.requestMethod');
const kCounter = Symbol('hive.httpCounter');
// On a connection: its requests started and not finished yet; -1 once the connection closed.
const kOpen = Symbol('hive.openRequests');
type Timed = { [kStart]: number };
type Counted = { [kCounter]?: HttpCounter };
type Connection = Socket & { [kOpen]?: number; [kCounter]?: HttpCounter };
// What node publishes on 'http.server.request.start' and 'http.server.response.finish'.
type HttpMessage = { response: ServerResponse & Timed; socket: Connection; server: Counted };

// Response times in µs up to a minute at 2 significant figures: a few KiB, and a record is a native call.
const HISTOGRAM = { lowest: 1, highest: 60_000_000, figures: 2 } as const;
// The `method` label's values: a method outside these is `other`, so that a client cannot make a series per method
// name it sends.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE', 'other'] as const;
const CODE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** One method and status class's response times in the interval: per bucket (not cumulative) counts. */
interface DurationCounts {
  count: number;
  sum: number;
  counts: number[];
}

/**
 * Counts an app process's HTTP requests for the metrics report: in flight now, and finished per status class and
 * response-time percentiles since the last `take()`.
 *
 * HTTP/1 requests are counted from node's own diagnostics channels (`http.server.request.start` and
 * `http.server.response.finish`), which node publishes at a request's start and a response's end whatever the app
 * does: the counter adds no listener to the server, its responses or its emit. Per request it costs two timestamps,
 * one histogram record and a symbol property on the response; per connection, one 'close' listener, which counts the
 * requests a connection took with it as aborted.
 */
export class HttpCounter {
  inFlight = 0;
  /** Finished responses by status class [1xx, 2xx, 3xx, 4xx, 5xx] since the last take(). */
  readonly classes: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  aborted = 0;
  readonly #latency: RecordableHistogram = createHistogram(HISTOGRAM);
  /** Index: method x 5 + status class; made on a pair's first response. */
  readonly #durations: (DurationCounts | undefined)[] = [];
  readonly #onStream: (stream: ServerHttp2Stream, headers: Record<string, unknown>) => void;

  constructor() {
    const counter = this;
    // An HTTP/2 stream closes once, with RST_STREAM code 0 (NGHTTP2_NO_ERROR) when its response went out whole.
    function onStreamClose(this: ServerHttp2Stream & Timed & { [kMethod]?: unknown }): void {
      const status = this.sentHeaders?.[':status'];
      const ok = this.rstCode === 0 && status !== undefined;
      counter.finished(ok ? Number(status) : undefined, this[kStart], this[kMethod]);
    }
    this.#onStream = (stream, headers) => {
      counter.inFlight++;
      (stream as ServerHttp2Stream & Timed)[kStart] = performance.now();
      (stream as { [kMethod]?: unknown })[kMethod] = headers[':method'];
      stream.on('close', onStreamClose);
    };
  }

  /** Counts the requests of an HTTP(S) server (every request node parses, 'checkContinue' ones too). */
  watch(server: HttpServer): void {
    subscribeOnce();
    (server as Counted)[kCounter] = this;
  }

  /** Counts the requests of an HTTP/2 server (node:http2, plain or secure): its streams, and HTTP/1 ones it allows. */
  watchHttp2(server: Http2Server | Http2SecureServer): void {
    // An HTTP/1 connection to an `allowHTTP1` server is served by node:http's code, which publishes on the channels
    // with this server: no 'request' listener is needed (one would turn on node's compatibility layer for a
    // stream-API app: objects per stream, automatic answers to CONNECT and Expect).
    subscribeOnce();
    (server as Counted)[kCounter] = this;
    server.prependListener('stream', this.#onStream);
  }

  /** @internal A request ended: with its status when its response went out whole, undefined when it died first. */
  finished(status: number | undefined, start: number, method: unknown): void {
    this.inFlight--;
    if (status === undefined) {
      this.aborted++;
      return;
    }
    const index = Math.trunc(status / 100) - 1;
    const codeClass = index < 0 ? 0 : index > 4 ? 4 : index;
    this.classes[codeClass as 0]++;
    const ms = performance.now() - start;
    const micros = Math.round(ms * 1000);
    this.#latency.record(micros < 1 ? 1 : micros > HISTOGRAM.highest ? HISTOGRAM.highest : micros);
    const methodIndex = METHODS.indexOf(method as (typeof METHODS)[number]);
    const key = (methodIndex < 0 ? METHODS.length - 1 : methodIndex) * 5 + codeClass;
    let durations = this.#durations[key];
    if (durations === undefined) {
      durations = { count: 0, sum: 0, counts: HTTP_DURATION_BUCKETS_MS.map(() => 0) };
      this.#durations[key] = durations;
    }
    durations.count++;
    durations.sum += ms;
    const bucket = HTTP_DURATION_BUCKETS_MS.findIndex((bound) => ms <= bound);
    if (bucket >= 0) durations.counts[bucket]!++;
  }

  /** @internal A connection closed with `open` of its requests unanswered. */
  lost(open: number): void {
    this.inFlight -= open;
    this.aborted += open;
  }

  /** The counts since the last take(), which start again from zero. */
  take(): HttpReport {
    const latency = this.#latency;
    const taken: HttpReport = {
      inFlight: this.inFlight,
      classes: [...this.classes] as HttpCounter['classes'],
      aborted: this.aborted,
      latencyP50: latency.count > 0 ? latency.percentile(50) / 1000 : 0,
      latencyP99: latency.count > 0 ? latency.percentile(99) / 1000 : 0,
      durations: this.#takeDurations(),
    };
    this.classes.fill(0);
    this.aborted = 0;
    latency.reset();
    return taken;
  }

  #takeDurations(): HttpDurations[] {
    const taken: HttpDurations[] = [];
    this.#durations.forEach((d, key) => {
      if (d === undefined || d.count === 0) return;
      let cumulative = 0;
      const buckets = d.counts.map((n) => (cumulative += n));
      taken.push({
        method: METHODS[Math.trunc(key / 5)]!,
        codeClass: CODE_CLASSES[key % 5]!,
        count: d.count,
        sum: d.sum,
        buckets,
      });
      d.count = 0;
      d.sum = 0;
      d.counts.fill(0);
    });
    return taken;
  }
}

let subscribed = false;

// The channels are process-wide: subscribed once, they hand every server's requests to the counter of the server, if
// it has one. Subscribers are held strongly by node, so nothing is collected under the counter.
function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('http.server.request.start', onRequestStart as (message: unknown) => void);
  subscribe('http.server.response.finish', onResponseFinish as (message: unknown) => void);
}

function onRequestStart({ response, socket, server }: HttpMessage): void {
  const counter = server[kCounter];
  if (counter === undefined) return;
  const open = socket[kOpen];
  if (open === -1) return;
  // A connection's first request: its close settles what it still has open. Per connection, not per request.
  if (open === undefined) {
    socket[kCounter] = counter;
    socket.once('close', onConnectionClose);
  }
  socket[kOpen] = (open ?? 0) + 1;
  counter.inFlight++;
  response[kStart] = performance.now();
}

function onResponseFinish({ response, socket, server }: HttpMessage): void {
  const counter = server[kCounter];
  const open = socket[kOpen];
  // Not counted at its start (watched later, or its connection already closed and counted it as aborted).
  if (counter === undefined || open === undefined || open <= 0 || response[kStart] === undefined) return;
  socket[kOpen] = open - 1;
  counter.finished(response.statusCode, response[kStart], response.req?.method);
}

// Node answers a connection's requests in order and publishes 'response.finish' before the connection closes after
// its last response: what is still open at 'close' never went out whole.
function onConnectionClose(this: Connection): void {
  const open = this[kOpen] ?? 0;
  this[kOpen] = -1;
  if (open > 0) this[kCounter]?.lost(open);
}
