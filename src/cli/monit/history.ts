import type { HiveSnapshot } from '../../metrics/snapshot.js';

/** The per-instance figures `hive monit` draws as sparklines. */
export const HISTORY_METRICS = ['reqRate', 'cpu', 'loopDelayP99', 'rss'] as const;

/** One of {@link HISTORY_METRICS}. */
export type HistoryMetric = (typeof HISTORY_METRICS)[number];

/** A fixed-size ring of numbers: pushing past the capacity drops the oldest. */
export class Ring {
  readonly #values: (number | null)[];
  #next = 0;
  #length = 0;

  constructor(capacity: number) {
    this.#values = new Array<number | null>(capacity).fill(null);
  }

  get length(): number {
    return this.#length;
  }

  push(value: number | null): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    this.#length = Math.min(this.#length + 1, this.#values.length);
  }

  /** The values, oldest first. */
  values(): (number | null)[] {
    const capacity = this.#values.length;
    const start = (this.#next - this.#length + capacity) % capacity;
    return Array.from({ length: this.#length }, (_, i) => this.#values[(start + i) % capacity] ?? null);
  }
}

/**
 * The recent values of each app's instances, a point per snapshot (by slot, so a replaced process continues its
 * slot's line). Series of slots and apps that left the snapshot are dropped, so the memory stays bounded by what is
 * on screen now: apps x instances x metrics x capacity.
 */
export class MetricHistory {
  readonly capacity: number;
  readonly #series = new Map<string, Ring>();

  /** `capacity`: points kept per series (default 60: a minute at the default interval). */
  constructor(capacity = 60) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Expected capacity to be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Adds a point per app, instance and metric of `snapshot`. */
  record(snapshot: HiveSnapshot): void {
    const seen = new Set<string>();
    for (const app of snapshot.apps) {
      for (const instance of app.instances) {
        for (const metric of HISTORY_METRICS) {
          const key = seriesKey(app.name, instance.instance, metric);
          seen.add(key);
          let ring = this.#series.get(key);
          if (ring === undefined) {
            ring = new Ring(this.capacity);
            this.#series.set(key, ring);
          }
          ring.push(instance[metric]);
        }
      }
    }
    for (const key of this.#series.keys()) if (!seen.has(key)) this.#series.delete(key);
  }

  /** The values of one series, oldest first (empty when none was recorded). */
  values(app: string, instance: number, metric: HistoryMetric): (number | null)[] {
    return this.#series.get(seriesKey(app, instance, metric))?.values() ?? [];
  }

  /** How many series are kept (for tests of the bound). */
  get size(): number {
    return this.#series.size;
  }
}

function seriesKey(app: string, instance: number, metric: HistoryMetric): string {
  return `${app}\0${instance}\0${metric}`;
}
