// Types for contract.js: the bench output contract of shared/DESIGN.md.
export type Better = 'higher' | 'lower' | 'none';
export interface BenchResult {
  subject: string;
  metric: string;
  value: number;
  unit: string;
}
export interface BenchContract {
  bench: string;
  node: string;
  cpus: number;
  results: BenchResult[];
  ratios: Record<string, Record<string, number>>;
}
export declare const HIVE: 'hive';
export declare function direction(metric: string, unit: string, better?: Record<string, Better>): Better;
export declare function orientedRatio(
  dir: Better,
  hive: number | undefined,
  peer: number | undefined,
): number | undefined;
export declare function computeRatios(
  results: readonly BenchResult[],
  better?: Record<string, Better>,
): Record<string, Record<string, number>>;
export declare function buildContract(options: {
  bench: string;
  results: readonly BenchResult[];
  better?: Record<string, Better>;
  node?: string;
  cpus?: number;
}): BenchContract;
export declare function round(x: number, digits: number): number;
