// A log moved away as rotating-file-stream rotates it by size, with more lines handed to the stream while it wrote the
// one that made it rotate: the failed rename failed the stream, and those lines were lost with it (about 1 MB in a
// flood), while daemon.log said `0 line(s) dropped`. They go to the new file at the path, first.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';
import { moveLogUnnoticed } from './moved-log.js';

const hive = tempHome();
const BURSTS = 20;
const LINES = 40;

test('the lines a failed rotation of a moved log had not written go to the new file', async () => {
  const { out, logs, reports } = await moveLogUnnoticed(hive.dir, 'held');
  // A chunk per turn of microtasks: the first, over the rotation size, is being written (a file write takes a turn of
  // the event loop) while the stream holds the others.
  for (let burst = 0; burst < BURSTS; burst++) {
    for (let i = 0; i < LINES; i++) logs.write('stdout', `burst ${burst} ${i} ${'x'.repeat(40)}`);
    await Promise.resolve();
  }
  await waitFor(() => reports.some((line) => /held-out\.log: ENOENT.*rename/.test(line)), 'the failed rotation');
  logs.write('stdout', 'after');
  await waitFor(() => readOrEmpty(out).includes('after\n'), 'the line after it', 5_000);
  const moved = readFileSync(`${out}.1`, 'utf8');
  const fresh = readFileSync(out, 'utf8');
  assert.match(moved, /^\[held\] first\n\[held\] second\n\[held\] burst 0 0 /);
  // The new file is over the rotation size at once: rotated too, its copies named in time order.
  const rotated = readdirSync(hive.dir)
    .filter((name) => name.startsWith('held-out__'))
    .sort()
    .map((name) => readFileSync(join(hive.dir, name), 'utf8'));
  const lines = [moved, ...rotated, fresh]
    .join('')
    .split('\n')
    .filter((line) => line.includes('burst'));
  const expected = Array.from({ length: BURSTS * LINES }, (_, n) => {
    return `[held] burst ${Math.floor(n / LINES)} ${n % LINES} ${'x'.repeat(40)}`;
  });
  assert.deepEqual(lines, expected, 'every line once, in order, in the moved file or the new one');
  assert.match(fresh, /\[held\] after\n$/);
  await waitFor(() => reports.some((line) => /held-out\.log: writing again/.test(line)), 'the report of the new file');
  assert.ok(reports.some((line) => /held-out\.log: writing again \(0 line\(s\) dropped/.test(line)));
});
