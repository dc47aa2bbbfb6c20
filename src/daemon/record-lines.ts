import type { Readable } from 'node:stream';

// A primary cuts an app's line at 64 Ki characters (cluster/line-splitter.ts), and its JSON record of that piece is
// longer still: an envelope, and escapes of up to 6 characters per character (`\u0000`). Reading the records with the
// app-side bound would cut a long line's record in two, and both halves would land in the log file as raw JSON text.
// This bound holds any record a primary writes, and still keeps a runaway primary from growing the daemon's memory.
const MAX_RECORD = 1024 * 1024;

/** Calls `onLine` for each line of a primary's record stream (JSON lines); a last line without a newline is flushed. */
export function splitRecords(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (rest.length > MAX_RECORD) {
      onLine(rest);
      rest = '';
    }
  });
  stream.on('end', () => {
    if (rest !== '') onLine(rest);
    rest = '';
  });
}
