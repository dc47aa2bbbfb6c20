import { AsyncLocalStorage } from 'node:async_hooks';
import { type IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Pool } from '../pool/index.js';
import type { ServerTracker } from './server-tracker.js';

/** What one request spent, for its Server-Timing header. */
interface RequestTiming {
  start: number;
  waitMs: number;
  runMs: number;
  tasks: number;
  /** Workers (thread ids) that ran this request's tasks. */
  workers: Set<number> | undefined;
}

const kTiming = Symbol('hive.serverTiming');
type TimedResponse = ServerResponse & { [kTiming]?: RequestTiming };

// The request a pool task is run for, across the app's awaits. Only created when Server-Timing is on: an active
// AsyncLocalStorage costs every promise of the process a little.
let requests: AsyncLocalStorage<RequestTiming> | undefined;

/**
 * Adds a `Server-Timing` header to every response of the process's HTTP servers: `total` (from the request's arrival
 * to its headers being written) and, when the request ran tasks on a shared pool (runtime `pool()`), `pool-wait` and
 * `pool-run` (queue wait and run time inside the threads, summed over its tasks, with the thread ids). Browsers'
 * devtools draw them in the request's timing tab.
 * Opt-in (`hive run --server-timing`): it costs a timestamp, an object and an async context per request, and tells
 * clients how long the server took.
 */
export function enableServerTiming(tracker: ServerTracker, instance: string): void {
  if (requests) return;
  const storage = new AsyncLocalStorage<RequestTiming>();
  requests = storage;
  const description = `;desc="instance ${instance}, pid ${process.pid}"`;
  const writeHead = ServerResponse.prototype.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  // writeHead is also what an implicit header (a bare res.end()) goes through: one hook sees every response.
  ServerResponse.prototype.writeHead = function (this: TimedResponse, ...args: unknown[]) {
    const timing = this[kTiming];
    if (timing !== undefined && !this.headersSent) {
      let value = `total;dur=${(performance.now() - timing.start).toFixed(1)}${description}`;
      if (timing.tasks > 0) {
        const threads = [...(timing.workers ?? [])].join(' ');
        value +=
          `, pool-wait;dur=${timing.waitMs.toFixed(1)};desc="${timing.tasks} task(s) queued"` +
          `, pool-run;dur=${timing.runMs.toFixed(1)};desc="thread ${threads}"`;
      }
      const own = this.getHeader('server-timing');
      this.setHeader('server-timing', own === undefined ? value : `${String(own)}, ${value}`);
    }
    return writeHead.apply(this, args);
  } as typeof ServerResponse.prototype.writeHead;
  tracker.onHttpServer((server) => {
    server.prependListener('request', (_req: IncomingMessage, res: TimedResponse) => {
      const timing: RequestTiming = { start: performance.now(), waitMs: 0, runMs: 0, tasks: 0, workers: undefined };
      res[kTiming] = timing;
      // The app's handler runs next in this same emit, so the request's async context starts here.
      storage.enterWith(timing);
    });
  });
}

/** Makes a shared pool's runs count in the Server-Timing of the request they run for (when it is on). */
export function timePoolRuns(pool: Pool): void {
  const storage = requests;
  if (storage === undefined) return;
  const run = pool.run.bind(pool);
  pool.run = (input, options) => {
    const timing = storage.getStore();
    if (timing === undefined) return run(input, options);
    const own = options?.onTiming;
    return run(input, {
      ...options,
      onTiming: (task) => {
        timing.waitMs += task.waitMs;
        timing.runMs += task.runMs;
        timing.tasks++;
        timing.workers ??= new Set();
        timing.workers.add(task.worker);
        own?.(task);
      },
    });
  };
}
