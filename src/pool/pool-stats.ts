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
}

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
  readonly #createdAt = performance.now();
  completed = 0;
  failed = 0;
  #runTotalMs = 0;

  record(runMs: number, waitMs: number, ok: boolean): void {
    if (ok) this.completed++;
    else this.failed++;
    this.#runTotalMs += runMs;
    this.#run.record(Math.min(HIGHEST_US, Math.max(1, Math.round(runMs * 1000))));
    this.#wait.record(Math.min(HIGHEST_US, Math.max(1, Math.round(waitMs * 1000))));
  }

  /** A task that ended without a measured run (aborted, timed out, lost with its worker). */
  recordFailure(): void {
    this.failed++;
  }

  utilization(maxThreads: number): number {
    const elapsed = performance.now() - this.#createdAt;
    return elapsed <= 0 ? 0 : Math.min(1, this.#runTotalMs / (elapsed * maxThreads));
  }

  runTime(): DurationSummary {
    return summarize(this.#run);
  }

  waitTime(): DurationSummary {
    return summarize(this.#wait);
  }
}

function summarize(h: RecordableHistogram): DurationSummary {
  if (h.count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const ms = (us: number) => us / 1000;
  return {
    count: h.count,
    min: ms(h.min),
    mean: ms(h.mean),
    p50: ms(h.percentile(50)),
    p90: ms(h.percentile(90)),
    p99: ms(h.percentile(99)),
    max: ms(h.max),
  };
}
