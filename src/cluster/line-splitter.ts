import type { Readable } from 'node:stream';

/**
 * The longest line passed on, in characters (UTF-16 units): a longer one, finished or not, is passed on in pieces of
 * at most this, each a line of its own. A process writing without newlines must not grow the primary's memory, and a
 * log line must stay small enough for a log shipper (docs/cli.md says 64 Ki).
 */
export const MAX_LINE = 64 * 1024;

export interface SplitOptions {
  /** The longest line passed on; {@link MAX_LINE} by default. */
  maxLine?: number;
}

/**
 * Calls `onLine` for each line of a text stream (without its `\n` or `\r\n`), cut into pieces of at most `maxLine`
 * characters; a last line without a newline is passed on at the end.
 */
export function splitLines(stream: Readable, onLine: (line: string) => void, options: SplitOptions = {}): void {
  const maxLine = options.maxLine ?? MAX_LINE;
  let rest = '';
  const pass = (line: string) => {
    let start = 0;
    while (line.length - start > maxLine) {
      const end = cutAt(line, start + maxLine);
      onLine(line.slice(start, end));
      start = end;
    }
    onLine(start === 0 ? line : line.slice(start));
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const text = rest + chunk;
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      pass(text.slice(start, end));
      start = newline + 1;
    }
    rest = text.slice(start);
    // The unfinished line's full pieces go on now; only the last, shorter one waits.
    if (rest.length > maxLine) {
      let cut = 0;
      while (rest.length - cut > maxLine) {
        const end = cutAt(rest, cut + maxLine);
        onLine(rest.slice(cut, end));
        cut = end;
      }
      rest = rest.slice(cut);
    }
  });
  stream.on('end', () => {
    if (rest !== '') pass(rest);
    rest = '';
  });
}

// Where to cut a line at `end` or just before: never between the two halves of a surrogate pair (a character
// outside the BMP, an emoji), which would leave both pieces with half a character.
function cutAt(line: string, end: number): number {
  const before = line.charCodeAt(end - 1);
  return before >= 0xd800 && before <= 0xdbff ? end - 1 : end;
}
