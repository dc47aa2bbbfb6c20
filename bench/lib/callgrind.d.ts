// Types for callgrind.js.
export declare function callgrindMissing(): Promise<string | undefined>;
export declare function readDump(dir: string, pid: number, part: number): number;
export declare function instructionsPerRequest(options: {
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  ready: () => Promise<boolean>;
  warm: () => Promise<void>;
  load: () => Promise<void>;
  requests: number;
  idleMs?: number;
  stopSignal?: NodeJS.Signals;
  readyTimeoutMs?: number;
}): Promise<{ root: number; children: number[]; total: number }>;
