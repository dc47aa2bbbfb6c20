import { parseDuration } from '../cluster/units.js';

/**
 * The `hive run` flags of an app's runArgs: those before `--` (the script's own arguments follow it, and a
 * `--kill-timeout=1` among them is the script's, not Hive's).
 */
export function ownRunArgs(runArgs: readonly string[]): string[] {
  const separator = runArgs.indexOf('--');
  return separator === -1 ? [...runArgs] : runArgs.slice(0, separator);
}

/**
 * ownRunArgs with the instance count as `hive start` writes it now, `--instances=<n>`: the dump of an older Hive may
 * hold `-i <n>` or `--instances <n>`, which read as no flag (a reload warned of a changed `instances` that was not).
 */
export function ownRunArgsJoined(runArgs: readonly string[]): string[] {
  const own = ownRunArgs(runArgs);
  const index = own.findIndex((arg) => arg === '-i' || arg === '--instances');
  if (index !== -1 && index + 1 < own.length) own.splice(index, 2, `--instances=${own[index + 1]}`);
  return own;
}

/** PM2's treekill for an app of these runArgs: on unless `--no-treekill` is among its own flags. */
export function treekillOf(runArgs: readonly string[]): boolean {
  return !ownRunArgs(runArgs).includes('--no-treekill');
}

/**
 * The value of `--<name>=<value>` in an app's runArgs, as `hive start` writes them (always joined with `=`): the last
 * one before `--` wins, as when `hive run` parses them. Undefined when the flag is not there.
 */
export function runArgFlag(runArgs: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return ownRunArgs(runArgs)
    .filter((arg) => arg.startsWith(prefix))
    .at(-1)
    ?.slice(prefix.length);
}

/**
 * The duration (ms) of `--<name>=<value>` in an app's runArgs, or `fallback` (the primary's default) when the flag is
 * not there or is no duration: the daemon's bounds and readings never throw for a value the primary itself refuses
 * (it exits at once on it, so there is nothing to wait for).
 */
export function runArgDuration(runArgs: readonly string[], name: string, fallback: number): number {
  const value = runArgFlag(runArgs, name);
  if (value === undefined) return fallback;
  try {
    return parseDuration(value, name);
  } catch {
    return fallback;
  }
}
