/** The least silence that marks a worker unresponsive, ms: a GC pause or a busy second is no hang. */
export const MIN_UNRESPONSIVE_AFTER = 3_000;

/**
 * How long a ready worker may go without a report before it is unresponsive: three report intervals, at least
 * {@link MIN_UNRESPONSIVE_AFTER}; undefined when reports are off (`memoryReportInterval` 0), as nothing then tells a
 * blocked loop from a quiet one.
 */
export function unresponsiveAfter(reportInterval: number): number | undefined {
  return reportInterval > 0 ? Math.max(3 * reportInterval, MIN_UNRESPONSIVE_AFTER) : undefined;
}

/** What the watch reads of a worker (a WorkerProcess). */
export interface WatchedWorker {
  readonly state: string;
  /** When it became ready, ms since the epoch. */
  readonly readyAt: number | undefined;
  /** When its runtime's last report arrived, ms since the epoch. */
  readonly lastReportAt: number | undefined;
}

/**
 * Marks a ready worker unresponsive once its runtime has sent no report for {@link unresponsiveAfter}: the reports
 * come from a timer on the app's own event loop, so their silence is the loop's. A mark, not a state change: the
 * worker is not restarted (PM2 does not either; `maxMemoryRestart` or a health check does), and the next report
 * clears it.
 */
export class UnresponsiveWatch<W extends WatchedWorker> {
  readonly after: number | undefined;
  // A marked worker, with when its silence began: its report arrives before `reported` runs (it sets
  // `lastReportAt`), so the silence a clear reports cannot be read back from the worker.
  readonly #marked = new WeakMap<W, number>();
  readonly #workers: () => Iterable<W>;
  readonly #onChange: (worker: W, unresponsive: boolean, silentMs: number) => void;
  #timer: NodeJS.Timeout | undefined;
  #period = 0;
  #lastCheck = Date.now();

  /** `onChange`: a worker was marked or cleared, with how long it has been (or was) silent. */
  constructor(
    reportInterval: number,
    workers: () => Iterable<W>,
    onChange: (worker: W, unresponsive: boolean, silentMs: number) => void,
  ) {
    this.after = unresponsiveAfter(reportInterval);
    this.#workers = workers;
    this.#onChange = onChange;
    if (this.after === undefined) return;
    // Often enough that a hang shows within a second of its threshold, never more often than reports come.
    this.#period = Math.min(reportInterval, 1_000);
    this.#timer = setInterval(() => this.#check(), this.#period).unref();
  }

  /** Whether the worker is marked unresponsive now. */
  has(worker: W): boolean {
    return this.#marked.has(worker);
  }

  /** A report of the worker arrived: its loop runs, so a mark is cleared. */
  reported(worker: W): void {
    const since = this.#marked.get(worker);
    if (since === undefined) return;
    this.#marked.delete(worker);
    this.#onChange(worker, false, Date.now() - since);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #check(): void {
    const now = Date.now();
    const late = now - this.#lastCheck > 2 * this.#period;
    this.#lastCheck = now;
    // This process's own loop stood still (SIGSTOP, a blocked loop): timers run before the reports the workers sent
    // meanwhile are read, so their silence would be this process's. The next round, a period on, has read them.
    if (late) return;
    for (const worker of this.#workers()) {
      if (worker.state !== 'ready' || this.#marked.has(worker)) continue;
      const silent = silence(worker, now);
      if (silent < this.after!) continue;
      this.#marked.set(worker, now - silent);
      this.#onChange(worker, true, silent);
    }
  }
}

// Since its last report, or since it became ready (its first report comes an interval later).
function silence(worker: WatchedWorker, now: number): number {
  return now - Math.max(worker.readyAt ?? now, worker.lastReportAt ?? 0);
}
