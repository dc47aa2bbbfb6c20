// Types for stats.js (the benches are plain JavaScript; these let the TypeScript tests import the helpers).
export declare function median(values: readonly number[]): number;
export declare function percentile(sorted: ArrayLike<number>, p: number): number;
export declare function latencySummary(samples: ArrayLike<number>): {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
};
