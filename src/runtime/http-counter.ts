import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Server, ServerHttp2Stream } from 'node:http2';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import type { HttpReport } from './protocol.js';

const kStart = Symbol('hive.requestStart');
type Timed = { [kStart]: number };

// Response times in µs up to a minute at 2 significant figures: a few KiB, and a record is a native call.
const HISTOGRAM = { lowest: 1, highest: 60_000_000, figures: 2 } as const;

/**
 * Counts an app process's HTTP requests for the metrics report: in flight now, and finished per status class and
 * response-time percentiles since the last `take()`. Per request it costs a timestamp, one counter bump, one
 * histogram record and one listener slot on the response (or HTTP/2 stream): the listeners are created once per
 * process, never per request.
 */
export class HttpCounter {
  inFlight = 0;
  /** Finished responses by status class [1xx, 2xx, 3xx, 4xx, 5xx] since the last take(). */
  readonly classes: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  aborted = 0;
  readonly #latency: RecordableHistogram = createHistogram(HISTOGRAM);
  readonly #onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  readonly #onHttp1Request: (req: IncomingMessage, res: ServerResponse) => void;
  readonly #onStream: (stream: ServerHttp2Stream) => void;

  constructor() {
    const counter = this;
    // 'close' fires once per response whether it finished or its connection died first; `this` is the response.
    function onClose(this: ServerResponse & Timed): void {
      counter.#finished(this.writableFinished ? this.statusCode : undefined, this[kStart]);
    }
    // An HTTP/2 stream closes once, with RST_STREAM code 0 (NGHTTP2_NO_ERROR) when its response went out whole.
    function onStreamClose(this: ServerHttp2Stream & Timed): void {
      const status = this.sentHeaders?.[':status'];
      counter.#finished(this.rstCode === 0 && status !== undefined ? Number(status) : undefined, this[kStart]);
    }
    this.#onRequest = (_req, res) => {
      counter.inFlight++;
      (res as ServerResponse & Timed)[kStart] = performance.now();
      res.on('close', onClose);
    };
    // An HTTP/2 server with allowHTTP1 emits 'request' for both protocols: its HTTP/2 requests count as streams.
    this.#onHttp1Request = (req, res) => {
      if (req.httpVersionMajor < 2) this.#onRequest(req, res);
    };
    this.#onStream = (stream) => {
      counter.inFlight++;
      (stream as ServerHttp2Stream & Timed)[kStart] = performance.now();
      stream.on('close', onStreamClose);
    };
  }

  /**
   * Counts the requests of an HTTP(S) server. It wraps this server's `emit` rather than adding a 'request' listener:
   * with two listeners, node's emit copies the listener array and calls each through a generic apply, on every request.
   */
  watch(server: HttpServer): void {
    type Emit = (this: HttpServer, event: string | symbol, ...args: unknown[]) => boolean;
    const onRequest = this.#onRequest;
    // An emit of the server's own is kept; else the prototype's is looked up at each call, so that a tool patching
    // http.Server.prototype.emit after listen() (an APM started late) still sees this server's events.
    const own = Object.hasOwn(server, 'emit') ? (server.emit as Emit) : undefined;
    const proto = Object.getPrototypeOf(server) as { emit: Emit };
    server.emit = function countingEmit(this: HttpServer, event: string | symbol, req?: unknown, res?: unknown) {
      const emit = own ?? proto.emit;
      if (event !== 'request') {
        // biome-ignore lint/complexity/noArguments: passes any other event's arguments through without a copy
        return Reflect.apply(emit, this, arguments);
      }
      onRequest(req as IncomingMessage, res as ServerResponse);
      return emit.call(this, event, req, res);
    } as HttpServer['emit'];
  }

  /** Counts the requests of an HTTP/2 server (node:http2, plain or secure): its streams, and HTTP/1 ones it allows. */
  watchHttp2(server: Http2Server | Http2SecureServer): void {
    server.prependListener('stream', this.#onStream);
    // A 'request' listener turns node's compatibility layer on (request and response objects per stream, automatic
    // answers to CONNECT and Expect): ours joins only once the app has one, as only then can HTTP/1 be served.
    const watchRequests = () => server.prependListener('request', this.#onHttp1Request);
    if (server.listenerCount('request') > 0) {
      watchRequests();
      return;
    }
    const onNewListener = (event: string | symbol) => {
      if (event !== 'request') return;
      server.off('newListener', onNewListener);
      watchRequests();
    };
    server.on('newListener', onNewListener);
  }

  // A response ended: with its status when it went out whole, undefined when its connection or stream died first.
  #finished(status: number | undefined, start: number): void {
    this.inFlight--;
    if (status === undefined) {
      this.aborted++;
      return;
    }
    const index = Math.trunc(status / 100) - 1;
    this.classes[(index < 0 ? 0 : index > 4 ? 4 : index) as 0]++;
    const micros = Math.round((performance.now() - start) * 1000);
    this.#latency.record(micros < 1 ? 1 : micros > HISTOGRAM.highest ? HISTOGRAM.highest : micros);
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
    };
    this.classes.fill(0);
    this.aborted = 0;
    latency.reset();
    return taken;
  }
}
