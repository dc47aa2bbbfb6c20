// What the daemon puts before an app's line in a `text` log (src/daemon/app-logs.ts): the ISO time of `time: true` or
// the `logDateFormat` time and `: `, then `[name]` (the primary's own lines) or `[name:instance]`. Any app's name: one
// file may be several apps' outFile. A format's time is any text without a `[` up to `: [name...] `: a line whose
// prefix is `[name:instance]` alone never has an app's own `: [x] ` later in it taken for the time.
const textPrefix =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z |[^[]{1,200}?: )?\[([A-Za-z0-9][A-Za-z0-9._-]*)(?::(\d+))?\] /;

/**
 * A log file's line as the app wrote it (`hive logs --raw`, PM2's `pm2 logs --raw`): without the `[name:instance]`
 * prefix; the time the app's `time` or `logDateFormat` option put there is kept, as PM2 keeps the one its `--time`
 * writes into the file. A `logFormat: 'json'` line gives its `line`. Anything else (a file something else wrote too) is
 * left whole.
 */
export function rawLogLine(line: string): string {
  if (line.startsWith('{"time":')) {
    try {
      const parsed = JSON.parse(line) as { line?: unknown };
      if (typeof parsed.line === 'string') return parsed.line;
    } catch {
      // Not one of the daemon's: an app's own JSON with a "time" key first.
    }
    return line;
  }
  const match = textPrefix.exec(line);
  return match === null ? line : `${match[1] ?? ''}${line.slice(match[0].length)}`;
}

/**
 * Whose a merged log file's line says it is (its `[name:instance]` prefix, or a `logFormat: 'json'` record's `app` and
 * `instance`): one file may be several apps' outFile. `instance` null for the primary's own lines (`[name]`); both
 * null for a line not the daemon's.
 */
export function logLineSource(line: string): { app: string | null; instance: number | null } {
  if (line.startsWith('{"time":')) {
    try {
      const { app, instance } = JSON.parse(line) as { app?: unknown; instance?: unknown };
      return { app: typeof app === 'string' ? app : null, instance: typeof instance === 'number' ? instance : null };
    } catch {
      return { app: null, instance: null };
    }
  }
  const match = textPrefix.exec(line);
  const digits = match?.[3];
  return { app: match?.[2] ?? null, instance: digits === undefined ? null : Number(digits) };
}
