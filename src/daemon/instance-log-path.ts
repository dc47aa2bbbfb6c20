/**
 * An instance's log file with `mergeLogs: false`, named as PM2 names it: `-<instance>` before a `.log` ending,
 * replacing a `-<digits>` there (`api-out.log`, `api-out-3.log` -> `api-out-0.log`). A path without that ending
 * (`/dev/null`, `/dev/stdout`, `app.txt`) is every instance's, as in PM2. `instance` may be a placeholder
 * (`<instance>`, for `hive describe`).
 */
export function instanceLogPath(path: string, instance: number | string): string {
  return path.replace(INSTANCE_SUFFIX, `-${instance}.log`);
}

/** The path instanceLogPath gives a suffix to, without the ending it replaces: undefined when it gives none. */
export function instanceLogStem(path: string): string | undefined {
  return INSTANCE_SUFFIX.test(path) ? path.replace(INSTANCE_SUFFIX, '') : undefined;
}

// PM2's (lib/God.js).
const INSTANCE_SUFFIX = /-[0-9]+\.log$|\.log$/;
