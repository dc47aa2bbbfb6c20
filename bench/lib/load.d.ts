// Types for load.js.
export declare function closedLoop(options: {
  inflight: number;
  durationMs: number;
  send: () => Promise<unknown>;
  recordLatency?: boolean;
  onCompleted?: (value: unknown) => void;
}): Promise<{ completed: number; durationMs: number; rate: number; latenciesMs: number[] }>;
export declare function openLoop(options: {
  rate: number;
  durationMs: number;
  send: () => Promise<unknown>;
  tolerate?: (error: unknown) => boolean;
  maxDrainMs?: number;
}): Promise<{ sent: number; failed: number; unfinished: number; durationMs: number; latenciesMs: Float64Array }>;
export declare function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T>;
