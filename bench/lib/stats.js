// Order statistics for bench figures. Medians across rounds spread machine noise; percentiles summarise latencies.

/**
 * Median of a list of numbers (mean of the two middle values for an even count). NaN for an empty list.
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Nearest-rank percentile (p in [0, 100]) of an ascending-sorted array; NaN when empty. Nearest-rank, not interpolated,
 * so p99 is a latency that some task really had.
 * @param {ArrayLike<number>} sorted
 * @param {number} p
 * @returns {number}
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be within [0, 100], got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * Sorts a copy of the samples once and returns the usual latency summary. NaN samples (calls that failed) are left
 * out.
 * @param {ArrayLike<number>} samples
 * @returns {{ count: number, p50: number, p90: number, p99: number, max: number }}
 */
export function latencySummary(samples) {
  const sorted = Float64Array.from(samples)
    .filter((x) => !Number.isNaN(x))
    .sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1],
  };
}
