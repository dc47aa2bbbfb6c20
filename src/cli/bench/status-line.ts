import { rewritesLines } from '../line-in-place.js';

/**
 * Progress of a long bench run: one status line on stderr, rewritten in place, only on a TTY (not a dumb one) and
 * never with --json, so piped output and JSON stay clean.
 */
export class StatusLine {
  readonly #stream: NodeJS.WriteStream;
  readonly #active: boolean;
  #shown = false;

  constructor({ quiet = false, stream = process.stderr }: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}) {
    this.#stream = stream;
    // A dumb terminal cannot rewrite the line: nothing, as piped, rather than a line per update.
    this.#active = !quiet && rewritesLines(stream);
  }

  /** Replaces the line with `text`, cut to the terminal's width. */
  show(text: string): void {
    if (!this.#active) return;
    this.#stream.write(`\r\x1b[K${text.slice(0, Math.max(20, (this.#stream.columns || 80) - 1))}`);
    this.#shown = true;
  }

  /** Erases the line, before a table or an error is printed. */
  clear(): void {
    if (this.#active && this.#shown) this.#stream.write('\r\x1b[K');
    this.#shown = false;
  }
}
