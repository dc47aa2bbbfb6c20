import type { AppStep } from '../daemon/protocol.js';
import { daemonNodeHint } from './error-line.js';
import { rewritesLines } from './line-in-place.js';

/**
 * The line a terminal gets as each app of a `stop`, `restart`, `reload` or `resurrect` (`hive update`'s too) is done
 * (the daemon's `{ step }` frames): `restart all` takes its apps in turn for tens of seconds, and said nothing between
 * `restart all...` and the table.
 */
export function stepLine(command: string, step: AppStep): string {
  const took = `(${(step.ms / 1000).toFixed(1)} s)`;
  return step.error === undefined
    ? `${command} ${step.name}: done ${took}\n`
    : `${command} ${step.name}: failed ${took}: ${step.error.split('\n')[0]}${daemonNodeHint(step.error)}\n`;
}

/**
 * The request fields and progress handler of per-app progress lines on stderr: asked for only on a terminal and
 * without `--json` (scripts and piped output see none, nor does the daemon send any); any other progress goes to
 * `next`. `inPlace`: `next` shows a line rewritten in place (`hive reload`'s `1/2`), cleared first.
 */
export function appSteps(
  command: string,
  json: boolean,
  next?: (progress: unknown) => void,
  inPlace = false,
): { steps: { steps?: true }; onProgress: ((progress: unknown) => void) | undefined } {
  if (json || process.stderr.isTTY !== true) return { steps: {}, onProgress: next };
  const clear = inPlace && rewritesLines(process.stderr) ? '\r\x1b[K' : '';
  return {
    steps: { steps: true },
    onProgress: (progress) => {
      const step = (progress as { step?: AppStep } | null)?.step;
      if (step === undefined) return next?.(progress);
      process.stderr.write(`${clear}${stepLine(command, step)}`);
    },
  };
}
