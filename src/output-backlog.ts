import type { Writable } from 'node:stream';

/**
 * How far the reader of an output stream (a pipe, a socket) may fall behind before more lines are dropped: a reader
 * that stalls must not grow the writer's memory without bound. The daemon's log pipes and `hive run`'s own output
 * share it.
 */
export const MAX_OUTPUT_BACKLOG = 1024 * 1024;

/**
 * `hive run`'s bound: its reader is often the daemon, busy for a moment with a burst of every app's lines; 1 MiB would
 * drop lines it reads a moment later, while a reader that stalls for good still cannot grow the primary past this.
 */
export const RUN_OUTPUT_BACKLOG = 16 * 1024 * 1024;

/**
 * How much more than its bound an output stream shared by an app's stdout and stderr (a primary's JSON lines, which
 * the daemon reads) may hold of the app's stderr lines: a stdout flood keeps the stream at its bound, where each
 * stderr line would be dropped with it, and an app's error message must not vanish under its own debug output. Only
 * stderr lines take this room, so memory stays bounded, and a stdout flood cannot take it from them.
 */
export const STDERR_RESERVE = 1024 * 1024;

/**
 * The bound of a log file's writer in the daemon (a regular file, a link): a disk is rarely slow for long, so a burst
 * (an app printing a large report at once) is kept whole, while an app that logs faster than its file is written for
 * good cannot grow the daemon past this per file. A pipe's reader, which may stall for good, gets MAX_OUTPUT_BACKLOG.
 */
export const LOG_FILE_BACKLOG = 16 * 1024 * 1024;

/** Whether `stream` holds more than `limit` bytes its reader has not taken yet. */
export function readerBehind(stream: Writable, limit = MAX_OUTPUT_BACKLOG): boolean {
  return stream.writableLength > limit;
}
