// One measurement failing (a peer that hangs or throws) must not lose the others: run each through attempt(), which
// reports the failure on stderr, counts it (the bench then exits 1) and carries on.
import { interrupted } from './interrupt.js';

// After SIGINT or SIGTERM the bench's cleanup runs and then exits (lib/interrupt.js): a measurement failing then is
// the interrupt's doing, and the run must go no further, or it would start the next subject under the cleanup.
const halted = new Promise(() => {});

/**
 * @param {{ progress?: { update: (message: string) => void, done: () => void }, log?: (message: string) => void }} [options]
 * @returns {{ attempt: <T>(label: string, fn: () => Promise<T>) => Promise<T | undefined>, readonly failures: number }}
 */
export function createAttempts({ progress, log = (message) => console.error(message) } = {}) {
  let failures = 0;
  return {
    async attempt(label, fn) {
      if (interrupted.aborted) return halted;
      progress?.update(label);
      try {
        return await fn();
      } catch (error) {
        if (interrupted.aborted) return halted;
        failures++;
        progress?.done();
        log(`${label} failed: ${error?.stack ?? error}`);
        return undefined;
      }
    },
    get failures() {
      return failures;
    },
  };
}
