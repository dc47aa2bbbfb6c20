import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';

/** Percentiles of a duration distribution, in milliseconds. */
export interface DurationSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /**
   * The durations added up: with `count`, a mean over any window (two snapshots' difference), as Prometheus's `_sum`.
   */
  sum: number;
  /**
   * Cumulative counts: `buckets[i]` durations were at most {@link DURATION_BUCKETS_MS}`[i]` (`count` is the rest,
   * +Inf), for a Prometheus histogram, whose quantiles can be taken over any window, unlike the percentiles above.
   */
  buckets: number[];
}

/** Upper bounds, in ms, of {@link DurationSummary}'s `buckets`: Prometheus's defaults, from 0.1 ms to a minute. */
export const DURATION_BUCKETS_MS: readonly number[] = [
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
];

/** Failed worker starts and the timed retry that follows them (the `startRetry` option). */
export interface StartRetryStats {
  /**
   * Worker starts that failed in a row (the module failed to load, the worker died while loading it or soon after, or
   * could not be started) since a worker last proved the module (completed a task or stayed up 1 s); 0 while starts
   * work.
   */
  failedStarts: number;
  /**
   * A timed retry is owed: it waits for its timer, or its timer fired and the start waits for another worker to finish
   * starting (the pool starts one at a time while retrying).
   */
  pending: boolean;
  /** Ms until the pending retry fires; 0 when none is pending or it is due. */
  dueIn: number;
}

/** A snapshot of a pool's state and history. */
export interface PoolStats {
  /** Workers alive (starting ones included). */
  threads: number;
  /** Workers running a task now. */
  busy: number;
  /** Tasks accepted and not yet started (in the queue or sent to a worker and waiting there). */
  queued: number;
  completed: number;
  failed: number;
  /** Share of the pool's capacity (maxThreads x time since creation) spent running tasks, 0..1. */
  utilization: number;
  /** How long tasks ran, measured inside the worker. */
  runTime: DurationSummary;
  /** How long tasks waited between `run()` and their start. */
  waitTime: DurationSummary;
  /** Failed starts in a row and the retry waiting after them. */
  startRetry: StartRetryStats;
}

/**
 * Counters and HDR histograms (node's native `perf_hooks` ones: one call per record on the hot path, no allocation).
 * Durations are recorded in microseconds.
 */
// Durations up to an hour, in microseconds, 3 significant digits: a bounded range keeps each histogram's counts array
// small (the default range, up to 2^53, costs about 0.25 MiB per histogram once values are recorded).
const HIGHEST_US = 3_600_000_000;
const histogram = (): RecordableHistogram => createHistogram({ lowest: 1, highest: HIGHEST_US, figures: 3 });

export class PoolStatsRecorder {
  readonly #run: RecordableHistogram = histogram();
  readonly #wait: RecordableHistogram = histogram();
  // Per bucket (not cumulative) counts at DURATION_BUCKETS_MS: the HDR histograms cannot say how many values lie
  // below a bound, only which value a percentile has.
  readonly #runBuckets: number[] = DURATION_BUCKETS_MS.map(() => 0);
  readonly #waitBuckets: number[] = DURATION_BUCKETS_MS.map(() => 0);
  #waitTotalMs = 0;
  // Capacity (thread-ms) up to #sizedAt, at the maxThreads each period had: utilization stays right across resizes.
  #capacityMs = 0;
  #sizedAt = performance.now();
  completed = 0;
  failed = 0;
  #runTotalMs = 0;

  record(runMs: number, waitMs: number, ok: boolean): void {
    if (ok) this.completed++;
    else this.failed++;
    this.#runTotalMs += runMs;
    this.#waitTotalMs += waitMs;
    countInBucket(this.#runBuckets, runMs);
    countInBucket(this.#waitBuckets, waitMs);
    this.#run.record(Math.min(HIGHEST_US, Math.max(1, Math.round(runMs * 1000))));
    this.#wait.record(Math.min(HIGHEST_US, Math.max(1, Math.round(waitMs * 1000))));
  }

  /**
   * A task that failed before it ran: aborted or timed out while waiting, or lost behind the running task of a worker
   * that died. (One stopped while running is recorded with its run time so far.)
   */
  recordFailure(): void {
    this.failed++;
  }

  /** maxThreads changes now: the time so far counts at the size it had (`previous`). */
  resized(previous: number): void {
    const now = performance.now();
    this.#capacityMs += (now - this.#sizedAt) * previous;
    this.#sizedAt = now;
  }

  utilization(maxThreads: number): number {
    const capacity = this.#capacityMs + (performance.now() - this.#sizedAt) * maxThreads;
    return capacity <= 0 ? 0 : Math.min(1, this.#runTotalMs / capacity);
  }

  runTime(): DurationSummary {
    return summarize(this.#run, this.#runTotalMs, this.#runBuckets);
  }

  waitTime(): DurationSummary {
    return summarize(this.#wait, this.#waitTotalMs, this.#waitBuckets);
  }
}

function countInBucket(counts: number[], ms: number): void {
  const i = DURATION_BUCKETS_MS.findIndex((bound) => ms <= bound);
  if (i >= 0) counts[i]!++;
}

function summarize(h: RecordableHistogram, sum: number, counts: number[]): DurationSummary {
  let cumulative = 0;
  const buckets = counts.map((n) => (cumulative += n));
  if (h.count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0, sum, buckets };
  const ms = (us: number) => us / 1000;
  return {
    count: h.count,
    min: ms(h.min),
    mean: ms(h.mean),
    p50: ms(h.percentile(50)),
    p90: ms(h.percentile(90)),
    p99: ms(h.percentile(99)),
    max: ms(h.max),
    sum,
    buckets,
  };
}
