// An app's output split into lines, an unfinished one passed on once the app is quiet (`partialDelay`).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { splitLines } from '../../dist/cluster/line-splitter.js';
import { poll } from '../poll.js';

const PARTIAL = 20;

// A stream split with the partial-line delay, once its unfinished first line `abc` was passed on; the lines so far.
async function afterPartialLine(): Promise<{ stream: PassThrough; lines: string[] }> {
  const stream = new PassThrough();
  const lines: string[] = [];
  splitLines(stream, (line) => lines.push(line), { partialDelay: PARTIAL });
  stream.write('abc');
  await poll(() => lines.length === 1, 'the partial line');
  return { stream, lines };
}

// The lines of a stream whose `abc` was passed on unfinished, then `chunks` were written, each after the one before it
// and a quiet longer than the delay; the last one ends with the line `def`.
async function linesAfterPartial(...chunks: string[]): Promise<string[]> {
  const { stream, lines } = await afterPartialLine();
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await delay(PARTIAL * 10);
    stream.write(chunk);
  }
  await poll(() => lines.includes('def'), 'the line def');
  stream.end();
  return lines;
}

test('a lone \\r after a line passed on unfinished waits for its \\n, however late: no empty line', async () => {
  // Quiet for longer than the delay: the `\r` alone was passed on as an empty line, and its `\n` dropped.
  assert.deepEqual(await linesAfterPartial('\r', '\n', 'def\n'), ['abc', 'def']);
});

test('a lone \\r after a line passed on unfinished, then the stream ends: no empty line', async () => {
  const { stream, lines } = await afterPartialLine();
  stream.end('\r');
  await new Promise((resolve) => stream.on('end', resolve));
  assert.deepEqual(lines, ['abc']);
});

test('a lone \\r after a line passed on unfinished, then more text: the \\r ended that line', async () => {
  assert.deepEqual(await linesAfterPartial('\r', 'def\n'), ['abc', 'def']);
});
