// Types for samples.js.
import type { BenchResult } from './contract.js';
export declare class Samples {
  record(subject: string, metric: string, value: number): void;
  values(subject: string, metric: string): number[];
  median(subject: string, metric: string): number;
  toResults(subjects: readonly string[], units: Record<string, string>): BenchResult[];
}
