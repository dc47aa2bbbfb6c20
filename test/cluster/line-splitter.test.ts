// An app's output split into lines, an unfinished one passed on once the app is quiet (`partialDelay`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  // Not `=== 'def'`: a wrong line (`\rdef`) fails the test's assertion, with the lines it got, rather than the poll.
  await poll(() => lines.some((line) => line.endsWith('def')), 'the line def');
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

// A progress line redrawn in place twice: the second `\r` was left pending alone, then passed on as an empty line.
test('\\r\\r after a line passed on unfinished, in one chunk or two: no empty line', async () => {
  assert.deepEqual(await linesAfterPartial('\r', '\r', 'def\n'), ['abc', 'def']);
  assert.deepEqual(await linesAfterPartial('\r\r', 'def\n'), ['abc', 'def']);
});

// The first `\r` ended the line, so `\r\n` after it does no more: `abc\r\r\n` is one line `abc`, however it comes.
test('\\r then \\r\\n after a line passed on unfinished: no empty line', async () => {
  assert.deepEqual(await linesAfterPartial('\r', '\r\n', 'def\n'), ['abc', 'def']);
});

// A `\r` that redraws the line passed on unfinished is dropped whether or not the text after it comes in its chunk.
test('\\r and text in one chunk after a line passed on unfinished: the \\r ended that line', async () => {
  assert.deepEqual(await linesAfterPartial('\rdef\n'), ['abc', 'def']);
});

test('\\r\\n\\r\\n after a line passed on unfinished, split anywhere: one empty line', async () => {
  for (let cut = 1; cut < 4; cut++) {
    const lines = await linesAfterPartial('\r\n\r\n'.slice(0, cut), `${'\r\n\r\n'.slice(cut)}def\n`);
    assert.deepEqual(lines, ['abc', '', 'def'], `cut at ${cut}`);
  }
});

// The lines of `chunks` written at once and ended, before any delay could pass a line on.
async function linesAtEnd(options: { partialDelay?: number }, ...chunks: string[]): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  splitLines(stream, (line) => lines.push(line), options);
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  return lines;
}

// A `\r` ends a line passed on by the delay, so it ends the last line the same way: `abc\r` was passed on as `abc\r`.
test('a \\r that ends the stream ends its last line, as the delay would have', async () => {
  for (const options of [{}, { partialDelay: 60_000 }]) {
    assert.deepEqual(await linesAtEnd(options, 'abc\r'), ['abc']);
    assert.deepEqual(await linesAtEnd(options, 'x\nabc', '\r'), ['x', 'abc']);
  }
});

// The lines of a stream split with the partial-line delay, `chunks` written each after a quiet longer than the delay,
// then ended.
async function linesQuietBetween(...chunks: string[]): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  splitLines(stream, (line) => lines.push(line), { partialDelay: PARTIAL });
  for (const chunk of chunks) {
    stream.write(chunk);
    await delay(PARTIAL * 10);
  }
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  return lines;
}

// A `\r` that starts a line moves the cursor nowhere: alone, it was passed on by the delay as an empty line.
test('a lone \\r after a complete line waits for what follows, however late: no empty line', async () => {
  assert.deepEqual(await linesQuietBetween('abc\n', '\r', 'def\n'), ['abc', 'def']);
  assert.deepEqual(await linesQuietBetween('abc\n\r', 'def\n'), ['abc', 'def']);
  assert.deepEqual(await linesQuietBetween('abc\n', '\r'), ['abc']);
});

// A progress bar that redraws with a leading `\r`: its first line kept the `\r`, the next ones (after a line passed on
// unfinished) did not.
test('a progress bar redrawn with a leading \\r: one line per step, none empty, no \\r', async () => {
  for (const before of ['', 'start\n']) {
    const stream = new PassThrough();
    const lines: string[] = [];
    splitLines(stream, (line) => lines.push(line), { partialDelay: PARTIAL });
    const steps = ['10%', '20%', '30%'];
    for (const [i, step] of steps.entries()) {
      stream.write(`${i === 0 ? before : ''}\r${step}`);
      await poll(() => lines.length === i + 1 + (before ? 1 : 0), `the step ${step}`);
    }
    stream.end('\n');
    await new Promise((resolve) => stream.on('end', resolve));
    assert.deepEqual(lines, [...(before ? ['start'] : []), ...steps]);
  }
});

// Whether the `\r` and its text come in one chunk or two, and the line ends or not, the `\r` is not in the line.
test('a \\r that starts a line is not in it, in whatever chunks they come', async () => {
  assert.deepEqual(await linesAtEnd({}, '\rabc\n\r\rdef\n'), ['abc', 'def']);
  assert.deepEqual(await linesAtEnd({}, '\r', 'abc\n\r', '\rdef'), ['abc', 'def']);
});

// `\r\n` is a newline wherever it is: at the start of a line it ends an empty one, whether the delay passed between.
test('\\r\\n after a complete line is an empty line, in one chunk or two', async () => {
  assert.deepEqual(await linesQuietBetween('abc\n', '\r\n', 'def\n'), ['abc', '', 'def']);
  assert.deepEqual(await linesQuietBetween('abc\n', '\r', '\n', 'def\n'), ['abc', '', 'def']);
  assert.deepEqual(await linesAtEnd({}, 'abc\n\r', '\ndef\n'), ['abc', '', 'def']);
});

// Paused (the primary's reader behind, cluster/output-hold.ts), the stream seemed quiet: its half line was passed on
// as a line of its own, and its end, waiting in the pipe, as another.
test('a half line is not passed on while the stream is paused, only once it has been quiet while read', async () => {
  const stream = new PassThrough();
  const lines: string[] = [];
  splitLines(stream, (line) => lines.push(line), { partialDelay: PARTIAL });
  stream.write('half');
  stream.pause();
  // The delay's timer, set before this wait's, fires first.
  await delay(PARTIAL * 10);
  assert.deepEqual(lines, []);
  stream.write(' a line\n');
  stream.write('quiet');
  stream.resume();
  await poll(() => lines.length === 2, 'the half line, then the unfinished one once quiet while read');
  assert.deepEqual(lines, ['half a line', 'quiet']);
});

// A line is passed on with the time its first character was read, not the time it is passed on (its newline, the
// delay, the end, later): a line of another stream read meanwhile must not get an earlier time than it.
test('a line passed on later has the time its start was read, before a line of another stream read meanwhile', async () => {
  const [out, err] = [new PassThrough(), new PassThrough()];
  const times = new Map<string, number>();
  // The delay longer than the wait below: the line is ended by its newline, then by the delay, then by the end.
  for (const stream of [out, err]) {
    splitLines(stream, (line, time) => times.set(line, time), { partialDelay: PARTIAL * 10 });
  }
  for (const [first, end] of [
    ['by-newline', (stream: PassThrough) => stream.write('\n')],
    ['by-delay', () => {}],
    ['by-end', (stream: PassThrough) => stream.end()],
  ] as const) {
    out.write(`part-${first}`);
    await poll(() => out.readableLength === 0, 'the start read');
    // The clock past the start's read: the other stream's line is read at a later time.
    const readBy = Date.now();
    await poll(() => Date.now() > readBy, 'the next millisecond');
    err.write(`other-${first}\n`);
    await poll(() => times.has(`other-${first}`), 'the line of the other stream');
    end(out);
    await poll(() => times.has(`part-${first}`), `the line ended ${first}`);
    const [part, other] = [times.get(`part-${first}`)!, times.get(`other-${first}`)!];
    assert.ok(part < other, `${first}: read at ${part}, after ${other}`);
  }
});

// A primary whose event loop stalled past the delay (starved, or stopped and continued) has, on its next turn, both the
// overdue timer and the rest of the line waiting in the pipe. The timer passed the first half on as a line of its
// own, and the rest came as another: a JSON line cut in two (QA, under load). The quiet must be the process's.
test('a line whose rest waits in the pipe when the delay runs out late is passed on whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-split-'));
  const marker = join(dir, 'written');
  try {
    // The first half, then (once the parent has read it) the rest and its newline, then the marker.
    const child = spawn(
      'sh',
      ['-c', `printf '{"half":'; sleep 0.1; printf '"whole"}\\n'; touch '${marker}'; sleep 1`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines: string[] = [];
    splitLines(child.stdout!, (line) => lines.push(line), { partialDelay: 150 });
    const firstRead = new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    await firstRead;
    // The event loop blocked until the rest is in the pipe and the delay is past: both wait for its next turn.
    const started = Date.now();
    while (!existsSync(marker) || Date.now() - started < 300) {}
    await poll(() => lines.length > 0, 'a line');
    await delay(300);
    assert.deepEqual(lines, ['{"half":"whole"}']);
    child.kill();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
