import type { Writable } from 'node:stream';
import { RUN_OUTPUT_BACKLOG, readerBehind } from '../output-backlog.js';

/**
 * One of `hive run`'s output streams, bounded as the daemon bounds a slow log pipe (output-backlog.ts): while its
 * reader is over 16 MiB behind, the app's lines are dropped, not piled up in the primary's memory; Hive's own lines (its
 * events, which the daemon keeps its table from) are always written. The first line written after a gap is preceded by
 * `mark(n)`, the number of lines dropped there, written to `markStream` (by default this stream): in text mode a
 * warning belongs on stderr with the others, while JSON events all go to stdout.
 */
export class BoundedOutput {
  readonly #stream: Writable;
  readonly #mark: (dropped: number) => string;
  readonly #markStream: Writable;
  #dropped = 0;

  constructor(stream: Writable, mark: (dropped: number) => string, markStream: Writable = stream) {
    this.#stream = stream;
    this.#mark = mark;
    this.#markStream = markStream;
  }

  /** An app's line (with its newline): dropped while the reader is behind. */
  appLine(text: string): void {
    if (readerBehind(this.#stream, RUN_OUTPUT_BACKLOG)) {
      this.#dropped += 1;
      return;
    }
    this.write(text);
  }

  /** Hive's own line (with its newline): written whatever the backlog, after the mark of a gap before it. */
  write(text: string): void {
    if (this.#dropped > 0) {
      const dropped = this.#dropped;
      this.#dropped = 0;
      this.#markStream.write(`${this.#mark(dropped)}\n`);
    }
    this.#stream.write(text);
  }
}
