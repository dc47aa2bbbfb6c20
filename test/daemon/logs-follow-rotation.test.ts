import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { followLogs } from './follow-logs.js';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// A ticker app started as `name`, and a `hive logs <name> -f` reading its out log: that log's path, the follower, and
// the lines it printed.
async function followTicker(t: TestContext, name: string) {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', name]);
  const out = join(hive.home, 'logs', `${name}-out.log`);
  await waitFor(() => hive.readLog(`${name}-out.log`).includes('ticker 0 started'), 'the first line');
  const follower = await followLogs(t, hive, name);
  return { out, follower, printed: () => follower.lines().map((l) => l.line) };
}

test('logs -f at a rotation prints the rest of the old file, then the new file from its start', async (t) => {
  const { out, printed } = await followTicker(t, 'rot');

  // What a rotation does (rotating-file-stream renames the file, then creates a new one at the path): the last lines
  // go to the old file, which the follower has not read yet when it finds the new one.
  const old = Array.from({ length: 50 }, (_, i) => `old ${i}`);
  const fresh = ['new 0', 'new 1'];
  appendFileSync(out, `${old.join('\n')}\nold unterminated`);
  renameSync(out, `${out}.1`);
  writeFileSync(out, `${fresh.join('\n')}\n`);

  await waitFor(() => printed().includes('new 1'), 'the follower to print the new file');
  assert.deepEqual(printed(), [...old, 'old unterminated', ...fresh]);
});

for (const compress of [false, true]) {
  test(`logs -f behind by more than one rotation prints the ${compress ? 'gzipped ' : ''}rotated files it missed, in order, then the new one`, async (t) => {
    const name = compress ? 'rotgz' : 'rot2';
    const { out, follower, printed } = await followTicker(t, name);

    // Two rotations between two of its polls, as the daemon makes them (renamed, or gzipped and removed, to the names
    // it gives its copies): the second file the follower never saw open.
    const lines = (word: string) => Array.from({ length: 20 }, (_, i) => `${word} ${i}`);
    const rotate = (count: number) => {
      const copy = join(hive.home, 'logs', `${name}-out__2026-12-01_00-00-00-00${count}.log`);
      if (!compress) return renameSync(out, copy);
      writeFileSync(`${copy}.gz`, gzipSync(readFileSync(out)));
      unlinkSync(out);
    };
    await follower.pause();
    appendFileSync(out, `${lines('first').join('\n')}\n`);
    rotate(1);
    writeFileSync(out, `${lines('second').join('\n')}\n`);
    rotate(2);
    writeFileSync(out, `${lines('third').join('\n')}\n`);
    follower.resume();

    await waitFor(() => printed().includes('third 19'), 'the follower to print the new file');
    assert.deepEqual(printed(), [...lines('first'), ...lines('second'), ...lines('third')]);
  });
}

/** The lines `follower` printed from the app's `stream` log, in order. */
function printedOf(follower: Awaited<ReturnType<typeof followTicker>>['follower'], stream: 'out' | 'err'): string[] {
  return follower
    .lines()
    .filter((l) => l.stream === stream)
    .map((l) => l.line);
}

test('logs -f reads a gzipped rotated copy still being written once it is whole, in its place', async (t) => {
  const name = 'rotpart';
  const { out, follower } = await followTicker(t, name);
  const printed = (stream: 'out' | 'err') => printedOf(follower, stream);
  const lines = (word: string) => Array.from({ length: 20 }, (_, i) => `${word} ${i}`);
  const copy = (count: number) => join(hive.home, 'logs', `${name}-out__2026-12-01_00-00-00-00${count}.log.gz`);

  // Two rotations between two polls, the second copy's gzip half written when the follower first reads it.
  await follower.pause();
  appendFileSync(out, `${lines('first').join('\n')}\n`);
  writeFileSync(copy(1), gzipSync(readFileSync(out)));
  unlinkSync(out);
  writeFileSync(out, `${lines('second').join('\n')}\n`);
  const second = gzipSync(readFileSync(out));
  writeFileSync(copy(2), second.subarray(0, second.length >> 1));
  unlinkSync(out);
  writeFileSync(out, `${lines('third').join('\n')}\n`);
  follower.resume();

  // The poll that printed the first file's lines tried the half copy; the error log's line, written after them, is
  // printed in that poll (after the out log) or a later one: once it is, that try is over.
  await waitFor(() => printed('out').includes('first 19'), 'the follower to print the first file');
  appendFileSync(join(hive.home, 'logs', `${name}-error.log`), 'err marker\n');
  await waitFor(() => printed('err').includes('err marker'), 'the follower to print the error log line');
  writeFileSync(copy(2), second);

  await waitFor(() => printed('out').includes('third 19'), 'the follower to print the new file');
  assert.deepEqual(printed('out'), [...lines('first'), ...lines('second'), ...lines('third')]);
});

test('logs -f reads every gzipped copy made while the new file is not there yet, and one listed before it is written', async (t) => {
  const name = 'rotgap';
  const { out, follower } = await followTicker(t, name);
  const printed = (stream: 'out' | 'err') => printedOf(follower, stream);
  const numbered = (from: number) => Array.from({ length: 20 }, (_, i) => `n ${from + i}`);
  const text = (from: number) => `${numbered(from).join('\n')}\n`;
  const copy = (count: number) => join(hive.home, 'logs', `${name}-out__2026-12-01_00-00-00-00${count}.log.gz`);
  // Each poll the follower makes after this one is over once the error log's line is printed (it reads the out log
  // first).
  let marks = 0;
  const polled = async () => {
    const mark = `err marker ${marks++}`;
    appendFileSync(join(hive.home, 'logs', `${name}-error.log`), `${mark}\n`);
    await waitFor(() => printed('err').includes(mark), 'the follower to print the error log line');
  };

  // A flood's rotations, as rotating-file-stream makes them with compress: the file the follower has open gzipped
  // (001) and removed, another gzipped (002); the next copy's name listed but not there (it creates the name and
  // removes it before gzip writes it), and no new file at the path yet (it is made after the gzip and the retention).
  // The path is a directory, which is no file to open either: a missing one would only be mid-rotation to the
  // follower, which reads the copies once a new file is there.
  await follower.pause();
  appendFileSync(out, text(1));
  writeFileSync(copy(1), gzipSync(readFileSync(out)));
  unlinkSync(out);
  writeFileSync(copy(2), gzipSync(text(21)));
  symlinkSync(join(hive.dir, 'not-there-yet'), copy(3));
  mkdirSync(out);
  follower.resume();
  await waitFor(() => printed('out').includes('n 40'), 'the follower to print the second copy');
  await polled();

  // The third copy half written when the follower reads it, a fourth after it; still no file at the path.
  await follower.pause();
  const third = gzipSync(text(41));
  unlinkSync(copy(3));
  writeFileSync(copy(3), third.subarray(0, third.length >> 1));
  writeFileSync(copy(4), gzipSync(text(61)));
  follower.resume();
  await polled();

  // Then whole, and the new file there.
  await follower.pause();
  writeFileSync(copy(3), third);
  rmdirSync(out);
  writeFileSync(out, text(81));
  follower.resume();
  await waitFor(() => printed('out').includes('n 100'), 'the follower to print the new file');
  assert.deepEqual(printed('out'), [1, 21, 41, 61, 81].flatMap(numbered));
  assert.equal(follower.stderr(), '');
});

test('logs -f across a flush that the log regrows past before its next poll prints the new lines whole, all of them', async (t) => {
  const { out, follower, printed } = await followTicker(t, 'fl');

  const before = Array.from({ length: 5 }, (_, i) => `before ${i}`);
  appendFileSync(out, `${before.join('\n')}\n`);
  await waitFor(() => printed().includes('before 4'), 'the lines before the flush');
  await follower.pause();
  await hive.json(['flush', 'fl']);
  // Longer than all the file held before the flush: the follower's offset is inside these lines.
  const after = Array.from({ length: 100 }, (_, i) => `after ${i} ${'x'.repeat(i % 7)}`);
  appendFileSync(out, `${after.join('\n')}\n`);
  follower.resume();

  await waitFor(() => printed().includes(after.at(-1)!), 'the follower to print the last line');
  assert.deepEqual(printed(), [...before, ...after]);
});
