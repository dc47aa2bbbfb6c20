// The watch flags `hive start` and `hive run` share (--watch[=<paths>], --ignore-watch, --watch-delay), read one way.
import { parseDuration } from '../cluster/units.js';

/**
 * `--watch` alone watches the app's folder; `--watch=src,lib` names folders. parseArgs has no optional values, so the
 * second form reaches it as `--watch-paths=<paths>`; errors name it `--watch` again ({@link watchFlagName}).
 */
export function watchPathsArg(arg: string): string {
  return arg.startsWith('--watch=') ? `--watch-paths=${arg.slice('--watch='.length)}` : arg;
}

/** The flag as the user wrote it: `watch` for parseArgs' `watch-paths`. */
export function watchFlagName(name: string): string {
  return name === 'watch-paths' ? 'watch' : name;
}

/**
 * `--watch-delay` in ms, as PM2's flag reads it: a plain number is seconds (`4`), else a duration (`4000ms`, `2s`);
 * undefined when it is neither ({@link WATCH_DELAY_EXPECTED}). In a config, `watchDelay` is PM2's `watch_delay`: ms.
 */
export function parseWatchDelay(value: string): number | undefined {
  const text = /^\d+(\.\d+)?$/.test(value.trim()) ? `${value.trim()}s` : value;
  try {
    return parseDuration(text, 'watch-delay');
  } catch {
    return undefined;
  }
}

/** What a refused `--watch-delay` was expected to be. */
export function watchDelayProblem(value: string): string {
  return `expected --watch-delay to be seconds or a duration like 500ms or 2s, got ${JSON.stringify(value)}`;
}
