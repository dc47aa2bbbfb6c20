import autocannon, { type AutocannonInstance, type AutocannonOptions, type AutocannonResult } from 'autocannon';
import { type LatencySummary, RequestTracker } from './request-tracker.js';

/** What one autocannon run measured. Latencies in milliseconds, as autocannon records them. */
export interface LoadFigures extends LatencySummary {
  /** Responses received (any status). */
  requests: number;
  /** Requests written to the server, answered or not (autocannon's `requests.sent`). */
  sent: number;
  /**
   * Seconds the load ran, as autocannon measured it (to 0.01 s): it stops on its once-a-second sample tick, so a run of
   * `-d 3` can run 4 s when the two timers tie, and a run cut short less than asked.
   */
  duration: number;
  /** Responses per second over `duration`, of any status (what a load generator reports). */
  rps: number;
  /**
   * 2xx responses per second over `duration`: what the app served. `hive bench` (no URL) reports this one as req/s, so
   * that errors answered fast (a 503 from a full pool queue) are not counted as work done.
   */
  okRps: number;
  // The latencies (LatencySummary): percentiles and the longest, in whole ms, nearest rank, of the answered requests
  // and of those still unanswered when the load ended, counted at the time they had waited.
  /** Bytes per second read, mean. */
  throughput: number;
  /** Connection errors and time-outs (autocannon's `errors`, which include `timeouts`). */
  errors: number;
  timeouts: number;
  /** Responses with a status other than 2xx. */
  non2xx: number;
  /** Response count per status code. */
  statusCodes: Record<string, number>;
}

/** A load run in progress: `done` resolves with its figures; `stop()` ends it early (the figures so far). */
export interface LoadRun {
  readonly done: Promise<LoadFigures>;
  stop(): void;
}

/**
 * Starts autocannon with `options`; `onTick` gets the running count of responses once a second (for progress).
 */
export function startLoad(options: AutocannonOptions, onTick?: (responses: number) => void): LoadRun {
  let instance: AutocannonInstance | undefined;
  const tracker = new RequestTracker();
  const done = new Promise<LoadFigures>((resolve, reject) => {
    instance = autocannon({ ...options, setupClient: tracker.setupClient }, (error, result) =>
      error ? reject(error) : resolve(figuresOf(result, tracker.summary())),
    );
  });
  let responses = 0;
  instance?.on('tick', ({ counter }: { counter: number }) => {
    responses += counter;
    onTick?.(responses);
  });
  return { done, stop: () => instance?.stop() };
}

function figuresOf(result: AutocannonResult, latency: LatencySummary): LoadFigures {
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count;
  return {
    requests: result.requests.total,
    sent: result.requests.sent,
    duration: result.duration,
    rps: perSecond(result.requests.total, result.duration),
    okRps: perSecond(result['2xx'], result.duration),
    ...latency,
    throughput: result.throughput.average,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  };
}

// A rate over the time measured, not autocannon's mean of its samples (which counts a last sample of a run that stopped
// between ticks as a whole second); 0 for a run that lasted no time.
function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? count / seconds : 0;
}
