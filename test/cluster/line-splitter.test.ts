// An app's output split into lines, an unfinished one passed on once the app is quiet (`partialDelay`).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { splitLines } from '../../dist/cluster/line-splitter.js';
import { poll } from '../poll.js';

const PARTIAL = 20;

test('a lone \\r after a line passed on unfinished waits for its \\n, however late: no empty line', async () => {
  const stream = new PassThrough();
  const lines: string[] = [];
  splitLines(stream, (line) => lines.push(line), { partialDelay: PARTIAL });
  stream.write('abc');
  await poll(() => lines.length === 1, 'the partial line');
  stream.write('\r');
  // Quiet for longer than the delay: the `\r` alone was passed on as an empty line, and its `\n` dropped.
  await delay(PARTIAL * 10);
  stream.write('\n');
  stream.write('def\n');
  await poll(() => lines.includes('def'), 'the next line');
  stream.end();
  assert.deepEqual(lines, ['abc', 'def']);
});

test('a lone \\r after a line passed on unfinished, then the stream ends: no empty line', async () => {
  const stream = new PassThrough();
  const lines: string[] = [];
  splitLines(stream, (line) => lines.push(line), { partialDelay: PARTIAL });
  stream.write('abc');
  await poll(() => lines.length === 1, 'the partial line');
  stream.end('\r');
  await new Promise((resolve) => stream.on('end', resolve));
  assert.deepEqual(lines, ['abc']);
});

test('a lone \\r after a line passed on unfinished, then more text: the \\r ended that line', async () => {
  const stream = new PassThrough();
  const lines: string[] = [];
  splitLines(stream, (line) => lines.push(line), { partialDelay: PARTIAL });
  stream.write('abc');
  await poll(() => lines.length === 1, 'the partial line');
  stream.write('\r');
  await delay(PARTIAL * 10);
  stream.write('def\n');
  await poll(() => lines.length === 2, 'the next line');
  stream.end();
  assert.deepEqual(lines, ['abc', 'def']);
});
