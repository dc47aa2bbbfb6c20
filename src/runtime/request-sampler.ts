import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestSample } from './protocol.js';
import { contextOf, requestIdOf } from './request-context.js';

const MAX_PATH = 200;

/**
 * Keeps the `size` slowest finished requests of each report interval, with their pool tasks' timelines, for the
 * dashboard's waterfall. Needs request tracking with timelines on (`trackRequests(tracker, { timeline: true })`). A request faster than the
 * slowest kept ones costs a timestamp and a comparison; only the kept ones build a sample.
 */
export class RequestSampler {
  /** How many requests each interval keeps; 0: sampling is off (a request then costs one comparison). */
  size: number;
  // Slowest first, at most `size` long.
  #kept: RequestSample[] = [];
  readonly #onRequest: (req: IncomingMessage, res: ServerResponse) => void;

  constructor(size: number) {
    this.size = size;
    const sampler = this;
    // 'close' fires once per response; `this` is the response.
    function onClose(this: ServerResponse): void {
      if (this.writableFinished) sampler.#offer(this);
    }
    this.#onRequest = (_req, res) => {
      if (sampler.size > 0) res.on('close', onClose);
    };
  }

  /** Samples the requests of an HTTP(S) server. */
  watch(server: HttpServer): void {
    server.prependListener('request', this.#onRequest);
  }

  /** Changes how many requests each interval keeps (0: off); what was kept beyond the new size is dropped. */
  resize(size: number): void {
    this.size = size;
    this.#kept.length = Math.min(this.#kept.length, size);
  }

  /** The samples kept since the last take(), slowest first; the next interval starts empty. */
  take(): RequestSample[] {
    const kept = this.#kept;
    this.#kept = [];
    return kept;
  }

  #offer(res: ServerResponse): void {
    const context = contextOf(res);
    if (context === undefined) return;
    const totalMs = performance.now() - context.start;
    const kept = this.#kept;
    if (this.size === 0) return;
    if (kept.length === this.size && totalMs <= (kept[kept.length - 1] as RequestSample).totalMs) return;
    const { req } = context;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const sample: RequestSample = {
      id: requestIdOf(req),
      method: req.method ?? 'GET',
      path: (query === -1 ? url : url.slice(0, query)).slice(0, MAX_PATH),
      status: res.statusCode,
      start: Date.now() - totalMs,
      totalMs,
      tasks: context.timeline ?? [],
    };
    let at = kept.length;
    while (at > 0 && (kept[at - 1] as RequestSample).totalMs < totalMs) at--;
    kept.splice(at, 0, sample);
    if (kept.length > this.size) kept.pop();
  }
}
