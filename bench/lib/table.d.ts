// Types for table.js.
import type { BenchContract } from './contract.js';
export declare function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string;
export declare function formatValue(x: number | undefined): string;
export interface ResultTableOptions {
  subjects?: readonly string[];
  metrics?: readonly string[];
  labels?: Record<string, string>;
}
export declare function resultCells(
  contract: Pick<BenchContract, 'results' | 'ratios'>,
  options?: ResultTableOptions,
): { header: string[]; rows: string[][] };
export declare function formatResults(
  contract: Pick<BenchContract, 'results' | 'ratios'>,
  options?: ResultTableOptions,
): string;
export declare function formatMarkdown(
  contract: Pick<BenchContract, 'results' | 'ratios'>,
  options?: ResultTableOptions,
): string;
