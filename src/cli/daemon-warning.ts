import { rewritesLines } from './line-in-place.js';

/**
 * The `onProgress` of a request whose daemon may warn as it runs it (`{ warning }`, as a config file's start or reload
 * of an app another file defined: daemon/app-origin.ts): each warning is one line on stderr, `--json` or not, since
 * it is for the person or the deploy log; any other progress goes to `next`.
 */
export function warningsTo(command: string, next?: (progress: unknown) => void): (progress: unknown) => void {
  return (progress) => {
    const warning = (progress as { warning?: unknown } | null)?.warning;
    if (typeof warning !== 'string') return next?.(progress);
    // Over a progress line a terminal shows (`hive reload`'s), not after it; a dumb one has none to clear.
    const clear = rewritesLines(process.stderr) ? '\r\x1b[K' : '';
    process.stderr.write(`${clear}hive ${command}: warning: ${warning}\n`);
  };
}
