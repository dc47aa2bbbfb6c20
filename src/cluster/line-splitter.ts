import type { Readable } from 'node:stream';

// A process writing without newlines must not grow the primary's memory: past this, the partial line is passed on.
const MAX_LINE = 64 * 1024;

/**
 * Calls `onLine` for each line of a text stream; a last line without a newline is flushed at the end, and a partial
 * line past `maxLine` characters is passed on as it is, so that a stream without newlines cannot grow the memory.
 */
export function splitLines(stream: Readable, onLine: (line: string) => void, maxLine = MAX_LINE): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (rest.length > maxLine) {
      onLine(rest);
      rest = '';
    }
  });
  stream.on('end', () => {
    if (rest !== '') onLine(rest);
    rest = '';
  });
}
