import type { Writable } from 'node:stream';
import { RUN_OUTPUT_BACKLOG, readerBehind, STDERR_RESERVE } from '../output-backlog.js';
import { formatEvent, type LogFormat } from './log-format.js';

/**
 * One of a primary's output streams (`hive run`'s, the fork-mode primary's), bounded as the daemon bounds a slow log
 * pipe (output-backlog.ts): while its reader is over 16 MiB behind, the app's lines are dropped, not piled up in the
 * primary's memory; Hive's own lines (its events, which the daemon keeps its table from) are always written. The first
 * line written after a gap is preceded by `mark(n)`, the number of lines dropped there, written to `markStream` (by
 * default this stream): in text mode a warning belongs on stderr with the others, while JSON events all go to stdout.
 * A gap the app ends (it stops logging, its burst over) is marked once the reader has caught up (the stream's
 * `drain`), not left unsaid until its next line or event. Hive's own line is written at once, with the app's before
 * it; the app's alone wait for the end of the turn. On a
 * stream that carries both the app's stdout and stderr lines, the stderr ones may go STDERR_RESERVE past the bound, so
 * that a stdout flood drops its own lines, not the app's error messages with them.
 */
export class BoundedOutput {
  readonly #stream: Writable;
  readonly #mark: (dropped: number) => string;
  readonly #markStream: Writable;
  #dropped = 0;
  // Waiting for the stream's `drain` to mark a gap that no later line marks.
  #awaitingDrain = false;
  // The app's lines of this turn of the event loop, written as one chunk: a chunk per short line would cost the
  // primary several times the bytes it holds back.
  #batched = '';

  constructor(stream: Writable, mark: (dropped: number) => string, markStream: Writable = stream) {
    this.#stream = stream;
    this.#mark = mark;
    this.#markStream = markStream;
  }

  /**
   * An app's line (with its newline): dropped while the reader is behind. `stderr`: a line of the app's stderr on a
   * stream its stdout lines share, which may take STDERR_RESERVE more.
   */
  appLine(text: string, stderr = false): void {
    const bound = RUN_OUTPUT_BACKLOG + (stderr ? STDERR_RESERVE : 0);
    if (readerBehind(this.#stream, bound - this.#batched.length)) {
      this.#dropped += 1;
      this.#markOnDrain();
      return;
    }
    if (this.#batched === '') queueMicrotask(() => this.#writeBatch());
    this.#markGap();
    this.#batched += text;
  }

  /** Hive's own line (with its newline): written whatever the backlog, after the mark of a gap before it. */
  write(text: string): void {
    this.#markGap();
    this.#batched += text;
    this.#writeBatch();
  }

  // A burst that ends while its lines are dropped is followed by nothing that would mark its gap: the reader catching
  // up does. (Behind by more than its high-water mark, the stream emits `drain` once it has written all it held.)
  #markOnDrain(): void {
    if (this.#awaitingDrain) return;
    this.#awaitingDrain = true;
    this.#stream.once('drain', () => {
      this.#awaitingDrain = false;
      if (this.#dropped === 0) return;
      this.#markGap();
      this.#writeBatch();
    });
  }

  #markGap(): void {
    if (this.#dropped === 0) return;
    const mark = `${this.#mark(this.#dropped)}\n`;
    this.#dropped = 0;
    if (this.#markStream === this.#stream) this.#batched += mark;
    else this.#markStream.write(mark);
  }

  #writeBatch(): void {
    const text = this.#batched;
    this.#batched = '';
    if (text !== '') this.#stream.write(text);
  }
}

/**
 * A primary's bounded output (`label`: the stream's name in the warning), whose gaps are marked by a warning event in
 * `format`, written to `markStream`: what `hive run` and the fork-mode primary both write through.
 */
export function primaryOutput(
  stream: Writable,
  format: LogFormat,
  app: string,
  label: string,
  markStream: Writable = stream,
): BoundedOutput {
  const mark = (dropped: number) => {
    const message = `${dropped} line(s) of the app's output dropped: the reader of ${label} was more than 16 MiB behind`;
    return formatEvent(format, app, { type: 'warning', message });
  };
  return new BoundedOutput(stream, mark, markStream);
}
