import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { escapeRegExp } from '../escape-reg-exp.js';

/**
 * The names of a log's rotated copies: `<stem>__<YYYY-MM-DD_HH-mm-ss>-<nnn><ext>[.gz]` in the log's folder
 * (`api-out__2026-12-01_02-30-00-001.log`): pm2-logrotate's `<stem>__<time><ext>`, with a count. The count goes on
 * from the highest one of any copy still on disk, whatever its time, never reusing one freed by the removal of an
 * older copy (rotating-file-stream's own names take the lowest free one): count order is the order the copies were
 * made in, which `hive logs -f` reads missed copies by. Not the time's: a local time repeats when the clock goes back
 * (a daylight-saving change, an NTP step), and a copy made then would sort before older ones.
 */
export function rotatedLogNamer(
  file: string,
  compress: boolean,
): (time: Date | number | null, index?: number) => string {
  const name = basename(file);
  return (time, index = 1) => {
    // rotating-file-stream asks for the log's own name with no time (null, though its types say a number).
    if (!(time instanceof Date)) return name;
    const stamp = localStamp(time);
    const taken = rotatedLogCopies(file).map((copy) => copy.count);
    const count = Math.max(index, ...taken.map((n) => n + 1));
    const { stem, ext } = split(name);
    return `${stem}__${stamp}-${String(count).padStart(3, '0')}${ext}${compress ? '.gz' : ''}`;
  };
}

/** A rotated copy of a log, as rotatedLogNamer names it. */
export interface RotatedLogCopy {
  path: string;
  stamp: string;
  count: number;
  compressed: boolean;
}

/**
 * The rotated copies of `file` in its folder, oldest first: by count, then time (copies an earlier Hive counted per
 * second); none when the folder cannot be read.
 */
export function rotatedLogCopies(file: string): RotatedLogCopy[] {
  const pattern = rotatedCopyName(file);
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const match = pattern.exec(name);
      return match
        ? [{ path: join(dirname(file), name), stamp: match[1]!, count: Number(match[2]), compressed: !!match[3] }]
        : [];
    })
    .sort((a, b) => a.count - b.count || a.stamp.localeCompare(b.stamp));
}

/** Whether `path` is a rotated copy of `file` (in its folder, named as rotatedLogNamer names them). */
export function isRotatedLogCopy(file: string, path: string): boolean {
  return dirname(path) === dirname(file) && rotatedCopyName(file).test(basename(path));
}

// The name of a copy: its time (match 1), count (2) and `.gz` (3).
function rotatedCopyName(file: string): RegExp {
  const { stem, ext } = split(basename(file));
  return new RegExp(
    `^${escapeRegExp(stem)}__(\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d)-(\\d{3,})${escapeRegExp(ext)}(\\.gz)?$`,
  );
}

// `api-out.log` -> `api-out`, `.log`; a name without an extension has none.
function split(name: string): { stem: string; ext: string } {
  const ext = extname(name);
  return { stem: name.slice(0, name.length - ext.length), ext };
}

// The daemon's local time (its TZ), as pm2-logrotate names its copies.
function localStamp(time: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${time.getFullYear()}-${two(time.getMonth() + 1)}-${two(time.getDate())}_` +
    `${two(time.getHours())}-${two(time.getMinutes())}-${two(time.getSeconds())}`
  );
}
