import type { Writable } from 'node:stream';

/**
 * The most a stream made to write whole lines ({@link writeWholeLines}) hands the OS at once, in characters: a piece
 * ends at a line's end (or holds one longer line whole).
 */
export const WRITE_PIECE = 256 * 1024;

type Done = (error?: Error | null) => void;
interface Dispatching {
  _write(chunk: unknown, encoding: BufferEncoding | 'buffer', callback: Done): void;
  _writev?: unknown;
}

interface Pieces {
  // A piece handed to the OS and not all written yet.
  writing: boolean;
  // The process exits: no piece is handed on any more.
  stopped: boolean;
}

const tracked = new WeakMap<Writable, Pieces>();

/**
 * Makes `stream` hand the OS its output in pieces of whole lines, one at a time, so that a process that exits before
 * its reader took everything ({@link stopAtLineEnd}) can end it at a line's end: Node hands a pipe all that waited as
 * one write (megabytes when the reader is behind), libuv writes as much of it as the pipe takes, and an exit in the
 * middle cut the reader's last record mid-line (a JSON record no reader can parse). For the primaries' own output,
 * whose every write is whole lines: an app's streams are not the primary's to change.
 */
export function writeWholeLines(stream: Writable): void {
  const own = stream as unknown as Dispatching;
  const write = own._write;
  const pieces: Pieces = { writing: false, stopped: false };
  tracked.set(stream, pieces);
  // One chunk at a time, each cut into pieces: not all that waits as one.
  own._writev = null;
  own._write = function (chunk, encoding, callback) {
    if (pieces.stopped) return;
    if (typeof chunk !== 'string' || chunk.length <= WRITE_PIECE) {
      pieces.writing = true;
      write.call(this, chunk, encoding, (error) => {
        pieces.writing = false;
        callback(error);
      });
      return;
    }
    let start = 0;
    const next: Done = (error) => {
      pieces.writing = false;
      if (error || start === chunk.length) return callback(error);
      if (pieces.stopped) return;
      const end = pieceEnd(chunk, start);
      const piece = chunk.slice(start, end);
      start = end;
      pieces.writing = true;
      write.call(this, piece, encoding, next);
    };
    next();
  };
}

// Where the piece of `text` from `start` ends: after the last newline within WRITE_PIECE, else after the line's own.
function pieceEnd(text: string, start: number): number {
  if (text.length - start <= WRITE_PIECE) return text.length;
  const last = text.lastIndexOf('\n', start + WRITE_PIECE - 1);
  if (last >= start) return last + 1;
  const own = text.indexOf('\n', start + WRITE_PIECE);
  return own === -1 ? text.length : own + 1;
}

/**
 * Hands `stream` nothing more (and, made to write whole lines, no further piece): resolves once the piece it is
 * writing is all written (at once when there is none, or the stream does not write whole lines), or after `maxMs`.
 */
export function stopAtLineEnd(stream: Writable, maxMs: number): Promise<void> {
  stream.cork();
  const pieces = tracked.get(stream);
  if (!pieces) return Promise.resolve();
  pieces.stopped = true;
  const deadline = Date.now() + maxMs;
  return new Promise((resolve) => {
    const check = () => {
      if (!pieces.writing || stream.destroyed || Date.now() >= deadline) return resolve();
      setTimeout(check, 20);
    };
    check();
  });
}
