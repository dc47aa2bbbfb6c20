import type { Writable } from 'node:stream';

/**
 * How far the reader of an output stream (a pipe, a socket) may fall behind before more lines are dropped: a reader
 * that stalls must not grow the writer's memory without bound. The daemon's log pipes and `hive run`'s own output
 * share it.
 */
export const MAX_OUTPUT_BACKLOG = 1024 * 1024;

/** Whether `stream` holds more than {@link MAX_OUTPUT_BACKLOG} bytes its reader has not taken yet. */
export function readerBehind(stream: Writable): boolean {
  return stream.writableLength > MAX_OUTPUT_BACKLOG;
}
