// Types for attempt.js.
export declare function createAttempts(options?: {
  progress?: { update: (message: string) => void; done: () => void };
  log?: (message: string) => void;
}): {
  attempt<T>(label: string, fn: () => Promise<T>): Promise<T | undefined>;
  readonly failures: number;
};
