import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import type { HttpReport } from './protocol.js';

const kStart = Symbol('hive.requestStart');
type TimedResponse = ServerResponse & { [kStart]: number };

// Response times in µs up to a minute at 2 significant figures: a few KiB, and a record is a native call.
const HISTOGRAM = { lowest: 1, highest: 60_000_000, figures: 2 } as const;

/**
 * Counts an app process's HTTP requests for the metrics report: in flight now, and finished per status class and
 * response-time percentiles since the last `take()`. Per request it costs a timestamp, one counter bump, one
 * histogram record and one listener slot on the response: both listeners are created once per process, never per
 * request.
 */
export class HttpCounter {
  inFlight = 0;
  /** Finished responses by status class [1xx, 2xx, 3xx, 4xx, 5xx] since the last take(). */
  readonly classes: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  aborted = 0;
  readonly #latency: RecordableHistogram = createHistogram(HISTOGRAM);
  readonly #onRequest: (req: IncomingMessage, res: ServerResponse) => void;

  constructor() {
    const counter = this;
    const latency = this.#latency;
    // 'close' fires once per response whether it finished or its connection died first; `this` is the response.
    function onClose(this: TimedResponse): void {
      counter.inFlight--;
      if (this.writableFinished) {
        const index = Math.trunc(this.statusCode / 100) - 1;
        counter.classes[(index < 0 ? 0 : index > 4 ? 4 : index) as 0]++;
        const micros = Math.round((performance.now() - this[kStart]) * 1000);
        latency.record(micros < 1 ? 1 : micros > HISTOGRAM.highest ? HISTOGRAM.highest : micros);
      } else counter.aborted++;
    }
    this.#onRequest = (_req, res) => {
      counter.inFlight++;
      (res as TimedResponse)[kStart] = performance.now();
      res.on('close', onClose);
    };
  }

  /** Counts the requests of an HTTP(S) server. */
  watch(server: HttpServer): void {
    server.prependListener('request', this.#onRequest);
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
