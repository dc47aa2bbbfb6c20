import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';

/**
 * Counts an app process's HTTP requests for the metrics report: in flight now, and finished per status class since
 * the last `take()`. Per request it costs one counter bump and one listener slot on the response: both listeners are
 * created once per process, never per request, so the hot path allocates nothing of its own.
 */
export class HttpCounter {
  inFlight = 0;
  /** Finished responses by status class [1xx, 2xx, 3xx, 4xx, 5xx] since the last take(). */
  readonly classes: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  aborted = 0;
  readonly #onRequest: (req: IncomingMessage, res: ServerResponse) => void;

  constructor() {
    const counter = this;
    // 'close' fires once per response whether it finished or its connection died first; `this` is the response.
    function onClose(this: ServerResponse): void {
      counter.inFlight--;
      if (this.writableFinished) {
        const index = Math.trunc(this.statusCode / 100) - 1;
        counter.classes[(index < 0 ? 0 : index > 4 ? 4 : index) as 0]++;
      } else counter.aborted++;
    }
    this.#onRequest = (_req, res) => {
      counter.inFlight++;
      res.on('close', onClose);
    };
  }

  /** Counts the requests of an HTTP(S) server. */
  watch(server: HttpServer): void {
    server.prependListener('request', this.#onRequest);
  }

  /** The counts since the last take(), which start again from zero. */
  take(): { inFlight: number; classes: [number, number, number, number, number]; aborted: number } {
    const taken = {
      inFlight: this.inFlight,
      classes: [...this.classes] as HttpCounter['classes'],
      aborted: this.aborted,
    };
    this.classes.fill(0);
    this.aborted = 0;
    return taken;
  }
}
