import { ServerResponse } from 'node:http';
import type * as Http2 from 'node:http2';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { contextOf, type ResponseLike, requestIdOf, trackRequests } from './request-context.js';
import type { ServerTracker } from './server-tracker.js';

let enabled = false;

/**
 * Adds a `Server-Timing` header to every response of the process's HTTP servers (HTTP/1, and HTTP/2 of apps on node's
 * compatibility API): `total` (from the request's arrival to its headers being written, with the instance, pid and
 * request id) and, when the request ran tasks on a shared pool (runtime `pool()`), `pool-wait` and `pool-run` (queue
 * wait and run time inside the threads, summed over its tasks, with the thread ids). Browsers' devtools draw them in
 * the request's timing tab.
 * Opt-in (`hive run --server-timing`): it costs a timestamp, an object and an async context per request, and tells
 * clients how long the server took.
 */
export function enableServerTiming(tracker: ServerTracker, instance: string): void {
  if (enabled) return;
  enabled = true;
  trackRequests(tracker, 'server-timing');
  const description = `instance ${instance}, pid ${process.pid}`;
  // writeHead is also what an implicit header (a bare res.end(), a first write()) goes through, in node:http as in
  // node:http2's compatibility API: one hook per class sees every response. The two classes are unrelated, so an
  // `allowHTTP1` server's HTTP/1 response (a ServerResponse) passes one hook only. node:http2 is loaded here, not at
  // the runtime's start: only this opt-in needs it, and most app processes never use it.
  const http2 = createRequire(import.meta.url)('node:http2') as typeof Http2;
  for (const prototype of [ServerResponse.prototype, http2.Http2ServerResponse.prototype]) {
    addToWriteHead(prototype, description);
  }
}

function addToWriteHead(prototype: ResponseLike, description: string): void {
  const writeHead = prototype.writeHead as (this: ResponseLike, ...args: unknown[]) => ResponseLike;
  prototype.writeHead = function (this: ResponseLike, ...args: unknown[]) {
    const context = contextOf(this);
    if (context !== undefined && !this.headersSent) {
      let value =
        `total;dur=${(performance.now() - context.start).toFixed(1)}` +
        `;desc="${description}, request ${requestIdOf(context.req)}"`;
      if (context.tasks > 0) {
        const threads = [...(context.workers ?? [])].join(' ');
        value +=
          `, pool-wait;dur=${context.waitMs.toFixed(1)};desc="${context.tasks} task(s) queued"` +
          `, pool-run;dur=${context.runMs.toFixed(1)};desc="thread ${threads}"`;
      }
      const own = this.getHeader('server-timing');
      this.setHeader('server-timing', own === undefined ? value : `${String(own)}, ${value}`);
    }
    return writeHead.apply(this, args);
  } as typeof prototype.writeHead;
}
