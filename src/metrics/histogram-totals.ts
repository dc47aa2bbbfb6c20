import type { HistogramReport } from '../runtime/protocol.js';

/** A histogram summed over reports: cumulative `buckets` at bounds the producer and the exposition agree on. */
export type HistogramTotals = HistogramReport;

export function emptyHistogram(size: number): HistogramTotals {
  return { count: 0, sum: 0, buckets: new Array<number>(size).fill(0) };
}

/** Adds `delta` into `into`; a delta of another bucket layout (a producer of another version) is left out. */
export function addHistogram(into: HistogramTotals, delta: HistogramReport): void {
  if (delta.buckets.length !== into.buckets.length) return;
  into.count += delta.count;
  into.sum += delta.sum;
  for (let i = 0; i < delta.buckets.length; i++) into.buckets[i]! += delta.buckets[i]!;
}

/** Whether `now` has less than `before` in its count, sum or a bucket: it cannot be `before` with more added. */
export function histogramWentDown(now: HistogramReport, before: HistogramReport): boolean {
  return (
    now.count < before.count ||
    now.sum < before.sum ||
    now.buckets.length !== before.buckets.length ||
    now.buckets.some((n, i) => n < before.buckets[i]!)
  );
}

/** What `now` (a histogram since some start) added to `before`, or all of it when it started again meanwhile. */
export function histogramDelta(now: HistogramReport, before: HistogramReport | undefined): HistogramReport {
  if (before === undefined || histogramWentDown(now, before)) return now;
  return {
    count: now.count - before.count,
    sum: now.sum - before.sum,
    buckets: now.buckets.map((n, i) => n - before.buckets[i]!),
  };
}
