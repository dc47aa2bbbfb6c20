import { performance } from 'node:perf_hooks';
import type { AutocannonClient } from 'autocannon';

/** The latency figures of a run. */
export type LatencyFigure = 'p50' | 'p90' | 'p99' | 'max';

/** Latency percentiles of a run, in whole milliseconds (as autocannon records them). */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /**
   * Requests sent and still waiting for their answer when the load ended. About one per connection is normal (the
   * request sent right after the last answer); what tells a stall is how long they had waited.
   */
  unanswered: number;
  /** The longest any of them had waited, whole ms (0 with none). */
  unansweredWait: number;
  /**
   * The figures the unanswered requests may have held down, so lower bounds: a percentile that would be higher with
   * them counted as never answered, and the max when one of their waits is longer than every answer.
   */
  lowerBounds: LatencyFigure[];
}

/**
 * Follows each autocannon connection's requests (through autocannon's `setupClient`), so that the requests still in
 * flight when the load ends are seen: autocannon's own histogram holds the answered ones only, so a connection stuck
 * behind a 2.4 s fib(40), or on a server that never answers one request, left its figures looking fast. Those
 * requests enter the percentiles with the time they had waited at the end (a lower bound of their latency), as Hive's
 * pool bench counts its unfinished tasks (docs/benchmarks.md).
 */
export class RequestTracker {
  // Whole milliseconds -> count, of the answered requests; bounded by the distinct latencies, not by the requests.
  readonly #answered = new Map<number, number>();
  #answeredCount = 0;
  // The waits of those unanswered at the end (at most one per connection and pipelined request).
  readonly #waits: number[] = [];

  /** autocannon's `setupClient`: called with each connection's client before its first request. */
  readonly setupClient = (client: AutocannonClient): void => {
    // Start times of the requests on the current connection, oldest first: HTTP/1.1 answers in order.
    let pending: number[] = [];
    let connection: unknown;
    client.on('request', () => {
      // A new connection: the old one's requests died with it (a time-out or an error autocannon counts, or a close).
      if (client.conn !== connection) {
        connection = client.conn;
        pending = [];
      }
      pending.push(performance.now());
    });
    client.on('response', (_status: number, _bytes: number, responseTime: number) => {
      pending.shift();
      const ms = wholeMs(responseTime);
      this.#answered.set(ms, (this.#answered.get(ms) ?? 0) + 1);
      this.#answeredCount += 1;
    });
    // autocannon ends each connection with 'done' (the run over, or its --amount share answered), before it closes.
    client.on('done', () => {
      const now = performance.now();
      for (const start of pending) this.#waits.push(wholeMs(now - start));
      pending = [];
    });
  };

  /**
   * Nearest-rank percentiles over the answered requests and the waits of the unanswered ones (0 with neither), and
   * which of them the unanswered may have held down.
   */
  summary(): LatencySummary {
    const counts = [...this.#answered.entries()];
    const total = this.#answeredCount + this.#waits.length;
    const withWaits = sortedCounts([...counts, ...this.#waits.map((ms): [number, number] => [ms, 1])]);
    // The same with every unanswered request as never answered: where a percentile differs, the waits held it down.
    const never = sortedCounts([...counts, [Number.POSITIVE_INFINITY, this.#waits.length]]);
    const summary = { unanswered: this.#waits.length, unansweredWait: Math.max(0, ...this.#waits) };
    const lowerBounds: LatencyFigure[] = [];
    const percentiles = { p50: 50, p90: 90, p99: 99 } as const;
    const figures = { p50: 0, p90: 0, p99: 0 };
    for (const [name, p] of Object.entries(percentiles) as [keyof typeof percentiles, number][]) {
      figures[name] = rank(withWaits, total, p);
      if (rank(never, total, p) !== figures[name]) lowerBounds.push(name);
    }
    const longestAnswered = counts.reduce((max, [ms]) => Math.max(max, ms), 0);
    const max = Math.max(longestAnswered, summary.unansweredWait);
    if (summary.unansweredWait > longestAnswered) lowerBounds.push('max');
    return { ...figures, max, ...summary, lowerBounds };
  }
}

function wholeMs(ms: number): number {
  return Math.max(0, Math.floor(ms));
}

function sortedCounts(counts: [number, number][]): [number, number][] {
  return counts.filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
}

// The value at nearest rank `p` percent of `total` in ascending (value, count) pairs; 0 when there is none.
function rank(sorted: readonly [number, number][], total: number, p: number): number {
  const wanted = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [ms, count] of sorted) {
    seen += count;
    if (seen >= wanted) return ms;
  }
  return 0;
}
