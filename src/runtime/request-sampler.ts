import { performance } from 'node:perf_hooks';
import type { RequestSample } from './protocol.js';
import { contextOf, type RequestLike, type ResponseLike, requestIdOf } from './request-context.js';
import type { RequestServer } from './server-tracker.js';

const MAX_PATH = 200;

/**
 * Keeps the `size` slowest finished requests of each report interval, with their pool tasks' timelines, for the
 * dashboard's waterfall. Needs request tracking with timelines on (`trackRequests(tracker, { timeline: true })`).
 * While sampling is off (size 0, the default until a dashboard asks) it has no listener on the servers at all, so
 * requests do not pay for it; while on, a request faster than the slowest kept ones costs a timestamp and a
 * comparison, and only the kept ones build a sample.
 */
export class RequestSampler {
  #size: number;
  // Slowest first, at most `size` long.
  #kept: RequestSample[] = [];
  readonly #servers = new Set<RequestServer>();
  readonly #onRequest: (req: RequestLike, res: ResponseLike) => void;

  constructor(size: number) {
    this.#size = Math.max(0, size);
    const sampler = this;
    // 'close' fires once per response, HTTP/1's or an HTTP/2 stream's (Http2ServerResponse); `this` is the response.
    function onClose(this: ResponseLike): void {
      if (this.writableFinished) sampler.#offer(this);
    }
    this.#onRequest = (_req, res) => {
      res.on('close', onClose);
    };
  }

  /** How many requests each interval keeps; 0: sampling is off. */
  get size(): number {
    return this.#size;
  }

  /**
   * Samples the requests of a server, from now on whenever sampling is on: HTTP(S), or HTTP/2 of node's compatibility
   * API (`ServerTracker#onRequestServer` gives them).
   */
  watch(server: RequestServer): void {
    if (this.#servers.has(server)) return;
    this.#servers.add(server);
    if (this.#size > 0) server.prependListener('request', this.#onRequest);
  }

  /** Changes how many requests each interval keeps (0: off); what was kept beyond the new size is dropped. */
  resize(size: number): void {
    const was = this.#size;
    this.#size = Math.max(0, size);
    this.#kept.length = Math.min(this.#kept.length, this.#size);
    if ((was === 0) === (this.#size === 0)) return;
    for (const server of this.#servers) {
      if (this.#size > 0) server.prependListener('request', this.#onRequest);
      else server.off('request', this.#onRequest);
    }
  }

  /** The samples kept since the last take(), slowest first; the next interval starts empty. */
  take(): RequestSample[] {
    const kept = this.#kept;
    this.#kept = [];
    return kept;
  }

  #offer(res: ResponseLike): void {
    const context = contextOf(res);
    if (context === undefined) return;
    const totalMs = performance.now() - context.start;
    const kept = this.#kept;
    if (this.#size === 0) return;
    if (kept.length === this.#size && totalMs <= (kept[kept.length - 1] as RequestSample).totalMs) return;
    const { req } = context;
    const sample: RequestSample = {
      id: requestIdOf(req),
      method: req.method ?? 'GET',
      path: samplePath(req.url ?? '/').slice(0, MAX_PATH),
      status: res.statusCode,
      start: Date.now() - totalMs,
      totalMs,
      tasks: context.timeline ?? [],
    };
    let at = kept.length;
    while (at > 0 && (kept[at - 1] as RequestSample).totalMs < totalMs) at--;
    kept.splice(at, 0, sample);
    if (kept.length > this.#size) kept.pop();
  }
}

// The request target without its query, nor the scheme, credentials and host of an absolute-form one (a proxy-style
// `GET http://user:secret@host/path`, which node passes on as is): whoever can open the dashboard reads the samples.
function samplePath(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path.startsWith('/')) return path;
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  return origin === null ? path : path.slice(origin[0].length) || '/';
}
