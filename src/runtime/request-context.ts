import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { performance } from 'node:perf_hooks';
import type { Pool, RunOptions } from '../pool/index.js';
import type { RequestSample } from './protocol.js';
import type { ServerTracker } from './server-tracker.js';

/** One pool task of a request, as offsets in ms from the request's arrival. */
export type RequestTask = RequestSample['tasks'][number];

/**
 * What the runtime reads of a request: node:http's `IncomingMessage` and node:http2's `Http2ServerRequest` both are
 * one (an HTTP/2 request's `:method` and `:path` are its `method` and `url`).
 */
export interface RequestLike {
  readonly url?: string | undefined;
  readonly method?: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

/** A response the runtime times and samples: HTTP/1's, or an HTTP/2 stream's of node's compatibility API. */
export type ResponseLike = ServerResponse | Http2ServerResponse;

/** What the runtime knows of one request in flight: its arrival and the pool work it caused. */
export interface RequestContext {
  readonly req: RequestLike;
  /** `performance.now()` at the request's arrival. */
  readonly start: number;
  /** Queue wait and run time of its pool tasks, summed. */
  waitMs: number;
  runMs: number;
  tasks: number;
  /** Threads that ran its tasks. */
  workers: Set<number> | undefined;
  /** Each task's timeline, kept only while request sampling is on. */
  timeline: RequestTask[] | undefined;
}

const kContext = Symbol('hive.requestContext');
const kId = Symbol('hive.requestId');
type Carrier = { [kContext]?: RequestContext; [kId]?: string };

// A request id goes into a quoted Server-Timing description and into logs: printable ASCII without quote or
// backslash, bounded. An id from a client that does not fit is replaced rather than escaped.
const ID = /^[\x21\x23-\x5b\x5d-\x7e]{1,200}$/;
// Bounds a request's timeline: a handler that fans out thousands of tasks must not grow a sample without limit.
const MAX_TIMELINE = 64;

// Created only when something needs it (Server-Timing, request sampling, trackRequests()), and idle again when
// nothing does any more: an active AsyncLocalStorage makes every promise of the process a little dearer.
let storage: AsyncLocalStorage<RequestContext> | undefined;
let keepTimeline = false;
// Why requests are tracked now: 'server-timing', 'sampling', 'app' (trackRequests() of hive/runtime).
const reasons = new Set<string>();

/**
 * Gives every request of the process's HTTP servers (HTTP/1, and HTTP/2 of apps on node's compatibility API, see
 * `ServerTracker#onRequestServer`) a {@link RequestContext}, reachable from the response
 * ({@link contextOf}) and, across the app's awaits, from {@link currentRequest}, for as long as at least one `reason`
 * holds (see {@link untrackRequests}). `timeline` turns on the per-task timelines the request sampler sends.
 */
export function trackRequests(tracker: ServerTracker, reason: string, options: { timeline?: boolean } = {}): void {
  reasons.add(reason);
  if (options.timeline) keepTimeline = true;
  if (storage !== undefined) return;
  const store = new AsyncLocalStorage<RequestContext>();
  storage = store;
  tracker.onRequestServer((server) => {
    server.prependListener('request', (req: RequestLike, res: ResponseLike) => {
      if (reasons.size === 0) return;
      const context: RequestContext = {
        req,
        start: performance.now(),
        waitMs: 0,
        runMs: 0,
        tasks: 0,
        workers: undefined,
        timeline: keepTimeline ? [] : undefined,
      };
      (res as Carrier)[kContext] = context;
      // The app's handler runs next in this same emit, so the request's async context starts here.
      store.enterWith(context);
    });
  });
}

/**
 * Drops one reason to track requests (sampling turned off). With none left, new requests get no context and the
 * async context storage is disabled, so the process stops paying for it; requests in flight keep theirs.
 */
export function untrackRequests(reason: string, options: { timeline?: boolean } = {}): void {
  if (options.timeline) keepTimeline = false;
  if (!reasons.delete(reason) || reasons.size > 0) return;
  storage?.disable();
}

/** The context of the request whose code is running now; undefined outside one or while tracking is off. */
export function currentRequest(): RequestContext | undefined {
  return storage?.getStore();
}

/** The context of the request a response answers; undefined while tracking is off. */
export function contextOf(res: ResponseLike): RequestContext | undefined {
  return (res as Carrier)[kContext];
}

/**
 * A request's id: its `X-Request-Id` header (nginx's `$request_id`, or the client's) when it is printable ASCII
 * without quotes or backslashes and at most 200 characters, else a random UUID. Made once per request, on first ask.
 */
export function requestIdOf(req: RequestLike): string {
  const carrier = req as Carrier;
  let id = carrier[kId];
  if (id === undefined) {
    const header = req.headers['x-request-id'];
    id = typeof header === 'string' && ID.test(header) ? header : randomUUID();
    carrier[kId] = id;
  }
  return id;
}

/**
 * Makes a shared pool's runs count in the context of the request they run for: Server-Timing's pool entries and
 * the sampled timelines. Costs a run one property read while tracking is off.
 */
export function timePoolRuns(pool: Pool): void {
  const run = pool.run.bind(pool);
  pool.run = <R>(input: unknown, options?: RunOptions): Promise<R> => {
    const context = storage?.getStore();
    if (context === undefined) return run<R>(input, options);
    const own = options?.onTiming;
    return run<R>(input, {
      ...options,
      onTiming: (task) => {
        context.waitMs += task.waitMs;
        context.runMs += task.runMs;
        context.tasks++;
        context.workers ??= new Set();
        context.workers.add(task.worker);
        const timeline = context.timeline;
        if (timeline !== undefined && timeline.length < MAX_TIMELINE) {
          // onTiming runs as the result arrives: its end, and its run and wait before it.
          const endAt = performance.now() - context.start;
          const startAt = Math.max(0, endAt - task.runMs);
          timeline.push({ thread: task.worker, queuedAt: Math.max(0, startAt - task.waitMs), startAt, endAt });
        }
        own?.(task);
      },
    });
  };
}
