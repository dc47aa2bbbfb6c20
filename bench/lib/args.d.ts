// Types for args.js.
import type { BenchContract } from './contract.js';

export interface BenchArgs {
  json: boolean;
  markdown: boolean;
  quick: boolean;
  rounds: number;
  only: string[] | undefined;
  help: boolean;
  values: Record<string, unknown>;
}
export declare function parseBenchArgs(
  argv: readonly string[],
  options?: {
    extra?: Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;
    defaultRounds?: number;
  },
): BenchArgs;
export declare function benchCommand(
  argv: readonly string[],
  options: {
    /** The contract's `bench` name: `--from` refuses another bench's output. */
    bench: string;
    usage: string;
    subjects: readonly string[];
    printSaved: (contract: BenchContract, args: BenchArgs) => void;
    extra?: Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;
    defaultRounds?: number;
  },
): BenchArgs | number;
