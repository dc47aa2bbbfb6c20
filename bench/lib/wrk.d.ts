export interface WrkResult {
  rps: number;
  total: number;
  /** ms; NaN when wrk printed no 99th percentile. */
  p99: number;
  errors: number;
  non2xx: number;
}
export function wrkMissing(): string | undefined;
export function parseWrkOutput(text: string): WrkResult;
export function wrkLoad(url: string, options: { connections: number; seconds: number }): Promise<WrkResult>;
