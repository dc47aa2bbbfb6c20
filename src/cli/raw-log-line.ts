// What the daemon puts before an app's line in a `text` log (src/daemon/app-logs.ts): the ISO time of `time: true` or
// the `logDateFormat` time and `: `, then `[name]` (the primary's own lines) or `[name:instance]`. Any app's name: one
// file may be several apps' outFile. A format's time is any text without a `[` up to `: [name...] `: a line whose
// prefix is `[name:instance]` alone never has an app's own `: [x] ` later in it taken for the time.
const textPrefix =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z |[^[]{1,200}?: )?\[[A-Za-z0-9][A-Za-z0-9._-]*(?::(\d+))?\] /;

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
 * The instance a merged log file's line says it came from (its `[name:instance]` prefix, or a `logFormat: 'json'`
 * record's `instance`): null for the primary's own lines (`[name]`) and for a line not the daemon's.
 */
export function logLineInstance(line: string): number | null {
  if (line.startsWith('{"time":')) {
    try {
      const { instance } = JSON.parse(line) as { instance?: unknown };
      return typeof instance === 'number' ? instance : null;
    } catch {
      return null;
    }
  }
  const digits = textPrefix.exec(line)?.[2];
  return digits === undefined ? null : Number(digits);
}
