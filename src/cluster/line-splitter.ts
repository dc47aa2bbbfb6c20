import type { Readable } from 'node:stream';

/**
 * The longest line passed on, in characters (UTF-16 units): a longer one, finished or not, is passed on in pieces of
 * at most this, each a line of its own. A process writing without newlines must not grow the primary's memory, and a
 * log line must stay small enough for a log shipper (docs/cli.md says 64 Ki).
 */
export const MAX_LINE = 64 * 1024;

/**
 * How long an unfinished line waits for its newline, ms: then it is passed on as a line of its own, as PM2 writes an
 * app's output as it comes (`process.stdout.write('partial')` shows up, not only once the next newline comes).
 */
export const PARTIAL_LINE_DELAY = 150;

export interface SplitOptions {
  /** The longest line passed on; {@link MAX_LINE} by default. */
  maxLine?: number;
  /** Passes an unfinished line on after this many ms without output; unset: it waits for its newline or the end. */
  partialDelay?: number;
}

/**
 * Calls `onLine` for each line of a text stream (without its `\n` or `\r\n`), with the time (ms since the epoch) its
 * first character was read, cut into pieces of at most `maxLine` characters (each with the line's time); a last line without a newline is passed on at the end, or, with `partialDelay`, once the stream has
 * been quiet that long, either way without a `\r` that ends it. A newline (`\n`, `\r\n`, or `\r`s alone, one or more,
 * however late) that only ends a line already passed on that way makes no empty line, in whatever chunks it comes.
 * The `\r`s that start a line (a progress bar redrawn as `\r10%`, `\r20%`) are not in it, and wait for what follows
 * however long: alone, they are no line.
 */
export function splitLines(
  stream: Readable,
  onLine: (line: string, time: number) => void,
  options: SplitOptions = {},
): void {
  const maxLine = options.maxLine ?? MAX_LINE;
  let rest = '';
  // When rest's first character was read: a line passed on later (by the delay, its newline, the end) is stamped with
  // it, not with the time it is passed on (150 ms on), which would put it after lines the process wrote after it.
  let restTime = 0;
  // The last output ended a line passed on unfinished (by the delay): a `\n` (or `\r\n`) that comes next is its end.
  let endsFlushed = false;
  let timer: NodeJS.Timeout | undefined;
  // The delay ran out; the line goes on at setImmediate's turn unless more output came first.
  let check: NodeJS.Immediate | undefined;
  const pass = (line: string, time: number) => {
    let start = 0;
    while (line.length - start > maxLine) {
      const end = cutAt(line, start + maxLine);
      onLine(line.slice(start, end), time);
      start = end;
    }
    onLine(start === 0 ? line : line.slice(start), time);
  };
  const flushPartial = () => {
    timer = undefined;
    // A timer that runs late (the primary's event loop starved or stopped past the delay) runs in the turn whose poll
    // phase would read the rest of the line, there in the pipe already: passed on now, the line was cut in two. The
    // check phase comes after that poll.
    check = setImmediate(flushQuiet);
    check.unref();
  };
  const stopWaiting = () => {
    clearTimeout(timer);
    timer = undefined;
    clearImmediate(check);
    check = undefined;
  };
  const flushQuiet = () => {
    check = undefined;
    // Paused (the primary's reader is behind, cluster/output-hold.ts): the rest of the line may be written already and
    // wait in the pipe, so the quiet is not the process's. Passed on once it has been quiet that long while read.
    if (rest === '' || stream.isPaused()) return;
    pass(withoutReturn(rest), restTime);
    rest = '';
    endsFlushed = true;
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    stopWaiting();
    const now = Date.now();
    // What text holds up to here was read before, from restTime on; the rest now.
    const carried = rest.length;
    const timeAt = (at: number) => (at < carried ? restTime : now);
    const text = rest + chunk;
    // With nothing pending, the chunk starts a line, or follows one passed on unfinished (by the delay).
    let start = rest === '' ? afterReturns(text, 0) : 0;
    if (endsFlushed) {
      // The `\r`s in a row that follow that line (redrawn in place, maybe more than once), and a `\n` after them, only
      // end it, in whatever chunks they come: with only `\r`s so far, its `\n` may still come, however late.
      if (start === text.length) return;
      if (text.charCodeAt(start) === 10) start = afterReturns(text, start + 1);
      endsFlushed = false;
    }
    for (let newline = text.indexOf('\n', start); newline !== -1; newline = text.indexOf('\n', start)) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      pass(text.slice(start, end), timeAt(start));
      start = afterReturns(text, newline + 1);
    }
    rest = text.slice(start);
    let restAt = start;
    // The unfinished line's full pieces go on now; only the last, shorter one waits.
    if (rest.length > maxLine) {
      let cut = 0;
      while (rest.length - cut > maxLine) {
        const end = cutAt(rest, cut + maxLine);
        onLine(rest.slice(cut, end), timeAt(start + cut));
        cut = end;
      }
      rest = rest.slice(cut);
      restAt = start + cut;
    }
    restTime = timeAt(restAt);
    if (rest !== '' && options.partialDelay !== undefined) {
      timer = setTimeout(flushPartial, options.partialDelay);
      // The stream's end flushes it anyway: the timer alone keeps no process alive.
      timer.unref();
    }
  });
  if (options.partialDelay !== undefined) {
    const delay = options.partialDelay;
    stream.on('resume', () => {
      if (rest === '' || timer !== undefined || check !== undefined) return;
      timer = setTimeout(flushPartial, delay);
      timer.unref();
    });
  }
  stream.on('end', () => {
    stopWaiting();
    if (rest !== '') pass(withoutReturn(rest), restTime);
    rest = '';
  });
}

// Where the line starting at `start` starts once its `\r`s are dropped: a `\r` there moves the cursor nowhere, and
// alone, held as `rest`, it would be passed on by the delay as an empty line (a progress bar redrawn as `\r10%`).
// Dropped at once, it sets no timer; a `\n` after it still makes the empty line that `\r\n` is.
function afterReturns(text: string, start: number): number {
  while (text.charCodeAt(start) === 13) start++;
  return start;
}

// A line passed on without its newline (by the delay or at the end): a `\r` alone (a progress line redrawn in place)
// ends it as `\r\n` would.
function withoutReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

// Where to cut a line at `end` or just before: never between the two halves of a surrogate pair (a character
// outside the BMP, an emoji), which would leave both pieces with half a character.
function cutAt(line: string, end: number): number {
  const before = line.charCodeAt(end - 1);
  return before >= 0xd800 && before <= 0xdbff ? end - 1 : end;
}
