// Types for subjects.js (test/bench/http-subjects.test.ts imports it).
import type { ServedProcess } from '../../dist/cli/bench/served-process.js';

export { freePort } from '../../dist/cli/bench/free-port.js';

/** Subject name -> argv (after `node`) and the signal that stops it gracefully. */
export declare function subjectCommand(
  subject: string,
  port: number,
  processes?: number,
): { argv: string[]; stop: NodeJS.Signals };

/** Starts a subject and resolves once it answers HTTP; `stop()` ends it and everything it forked. */
export declare function startSubject(
  subject: string,
  options?: { processes?: number; argv?: (port: number) => string[]; env?: Record<string, string> },
): Promise<ServedProcess>;
