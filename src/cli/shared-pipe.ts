import { fstatSync } from 'node:fs';

/**
 * Whether stdout and stderr are one pipe or socket (`hive logs api 2>&1 | grep ...`). Written apart, a line to one
 * that fills the pipe is written in part, its rest queued, and a line to the other can land in its middle: a reader
 * slower than the writer got an out line cut by an error line. One stream for both keeps each line whole and in order;
 * the reader cannot tell them apart anyway. Not for a file (each write whole) or a terminal.
 */
export function stdoutIsStderr(): boolean {
  try {
    const out = fstatSync(1);
    const err = fstatSync(2);
    return out.dev === err.dev && out.ino === err.ino && (out.isFIFO() || out.isSocket());
  } catch {
    return false;
  }
}
