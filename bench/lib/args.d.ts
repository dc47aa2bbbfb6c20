// Types for args.js.
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
