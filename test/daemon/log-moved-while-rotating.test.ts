// A log moved away (logrotate's `create` mode) just before rotating-file-stream rotates it by size, before the daemon
// noticed the move: the rotation's rename fails (ENOENT), and the stream with it. The path is free, though: the next
// line opens a new file there, where a failed write (a full disk) waits a second, dropping the lines meanwhile (with
// an app flooding its log, 30 547 of them in one such second).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';
import { moveLogUnnoticed } from './moved-log.js';

const hive = tempHome();

test('a log moved away as it is rotated by size is written again at the next line', async () => {
  const { out, logs, reports } = await moveLogUnnoticed(hive.dir, 'moved');
  // Over the rotation size at once: the stream renames the moved file away, which fails.
  for (let i = 0; i < 40; i++) logs.write('stdout', `burst ${i} ${'x'.repeat(40)}`);
  await waitFor(() => reports.some((line) => /moved-out\.log: ENOENT.*rename/.test(line)), 'the failed rotation');
  logs.write('stdout', 'after');
  await waitFor(() => readOrEmpty(out).includes('after\n'), 'the line after it in a new file at the path', 5_000);
  // The lines before went to the moved file, as they do when a move is noticed by the daemon's own check.
  assert.match(readFileSync(`${out}.1`, 'utf8'), /^\[moved\] first\n\[moved\] second\n(.|\n)*\[moved\] burst 39 x+\n$/);
});
