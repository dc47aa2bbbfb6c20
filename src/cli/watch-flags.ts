// The watch flags `hive start` and `hive run` share (--watch[=<paths>], --ignore-watch, --watch-delay), read one way.
import { dirname, resolve } from 'node:path';
import { parseDuration } from '../cluster/units.js';
import { splitArgs } from '../config/split-args.js';

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

/** The watch flags as parseArgs gives them. */
export interface WatchFlagValues {
  watch?: boolean | undefined;
  'watch-paths'?: string | undefined;
  'ignore-watch'?: string[] | undefined;
  'watch-delay'?: string | undefined;
}

/** What a script's watch flags ask for; each command fills in its own defaults for what was not given. */
export interface WatchSpec {
  /** Absolute: `--watch=<paths>` against the current folder, else the script's folder. */
  paths: string[];
  ignore: string[] | undefined;
  /** `--watch-delay` in ms ({@link parseWatchDelay}). */
  delay: number | undefined;
}

/**
 * Reads a script's watch flags, or undefined without `--watch`. `--ignore-watch` or `--watch-delay` alone are refused
 * rather than dropped, as is a bad delay: thrown as `Refusal` (each command's own type of usage error).
 */
export function watchSpec(
  script: string,
  values: WatchFlagValues,
  Refusal: new (message: string) => Error,
): WatchSpec | undefined {
  const paths = values['watch-paths'];
  const watching = values.watch === true || Boolean(paths);
  if (values['ignore-watch'] !== undefined && !watching) {
    throw new Refusal('--ignore-watch needs --watch: without it nothing is watched, so nothing is ignored');
  }
  const delayText = values['watch-delay'];
  if (delayText !== undefined && !watching) {
    throw new Refusal('--watch-delay needs --watch: without it nothing is watched');
  }
  if (!watching) return undefined;
  const delay = delayText === undefined ? undefined : parseWatchDelay(delayText);
  if (delayText !== undefined && delay === undefined) throw new Refusal(watchDelayProblem(delayText));
  return {
    paths: paths ? paths.split(',').map((path) => resolve(path)) : [dirname(resolve(script))],
    // Split on spaces as PM2 splits it (`--ignore-watch "data logs"`) and as a config file's string is; quotes keep a
    // name with a space whole.
    ignore: values['ignore-watch']?.flatMap((value) => splitArgs(value).args),
    delay,
  };
}
