import { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { contextOf, requestIdOf, trackRequests } from './request-context.js';
import type { ServerTracker } from './server-tracker.js';

let enabled = false;

/**
 * Adds a `Server-Timing` header to every response of the process's HTTP servers: `total` (from the request's arrival
 * to its headers being written, with the instance, pid and request id) and, when the request ran tasks on a shared
 * pool (runtime `pool()`), `pool-wait` and `pool-run` (queue wait and run time inside the threads, summed over its
 * tasks, with the thread ids). Browsers' devtools draw them in the request's timing tab.
 * Opt-in (`hive run --server-timing`): it costs a timestamp, an object and an async context per request, and tells
 * clients how long the server took.
 */
export function enableServerTiming(tracker: ServerTracker, instance: string): void {
  if (enabled) return;
  enabled = true;
  trackRequests(tracker, 'server-timing');
  const description = `instance ${instance}, pid ${process.pid}`;
  const writeHead = ServerResponse.prototype.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  // writeHead is also what an implicit header (a bare res.end()) goes through: one hook sees every response.
  ServerResponse.prototype.writeHead = function (this: ServerResponse, ...args: unknown[]) {
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
  } as typeof ServerResponse.prototype.writeHead;
}
