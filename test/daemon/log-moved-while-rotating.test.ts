// A log moved away (logrotate's `create` mode) just before rotating-file-stream rotates it by size, before the daemon
// noticed the move: the rotation's rename fails (ENOENT), and the stream with it. The path is free, though: the next
// line opens a new file there, where a failed write (a full disk) waits a second, dropping the lines meanwhile (with
// an app flooding its log, 30 547 of them in one such second).
import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { AppLogs } from '../../dist/daemon/app-logs.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a log moved away as it is rotated by size is written again at the next line', async () => {
  const out = join(hive.dir, 'moved-out.log');
  const logs = new AppLogs(hive.dir, 'moved', { outFile: out, logRotation: { size: '1K' } });
  after(() => logs.close());
  // The daemon's report of the failed rename, on this process's stderr.
  const reports: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    reports.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  after(() => {
    process.stderr.write = write;
  });
  logs.write('stdout', 'first');
  await waitFor(() => readOrEmpty(out).includes('first\n'), 'the first line');
  // Once the file's inode is known, a line has the daemon check it is still at its path: not again for a second.
  await delay(100);
  logs.write('stdout', 'second');
  await waitFor(() => readOrEmpty(out).includes('second\n'), 'the second line');
  renameSync(out, `${out}.1`);
  // Over the rotation size at once: the stream renames the moved file away, which fails.
  for (let i = 0; i < 40; i++) logs.write('stdout', `burst ${i} ${'x'.repeat(40)}`);
  await waitFor(() => reports.some((line) => /moved-out\.log: ENOENT.*rename/.test(line)), 'the failed rotation');
  logs.write('stdout', 'after');
  await waitFor(() => readOrEmpty(out).includes('after\n'), 'the line after it in a new file at the path', 5_000);
  // The lines before went to the moved file, as they do when a move is noticed by the daemon's own check.
  assert.match(readFileSync(`${out}.1`, 'utf8'), /^\[moved\] first\n\[moved\] second\n(.|\n)*\[moved\] burst 39 x+\n$/);
});
