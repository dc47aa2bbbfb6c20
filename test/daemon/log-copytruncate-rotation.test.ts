// External logrotate with `copytruncate` empties an app's log in place (same inode) under the daemon's stream.
// rotating-file-stream counts the bytes it wrote to know when to rotate, and went on counting those written before
// the truncation: the file was rotated when it held the maximum size less them (a copy of 7 KB of a 20K maximum),
// not once it held the maximum again, as after `hive flush` (docs/cli.md, Log rotation).
import assert from 'node:assert/strict';
import { rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rotatedLogCopies } from '../../dist/daemon/rotated-log-name.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a log truncated in place (copytruncate) is rotated once it holds the maximum size again, not earlier', async () => {
  // A line of 1 KB every 100 ms while the file `big` is there, else a short one.
  const big = join(hive.dir, 'big');
  const script = join(hive.dir, 'kb.sh');
  writeFileSync(
    script,
    `#!/bin/sh\ni=0\nwhile true; do\n  i=$((i+1))\n  if [ -e "$1" ]; then echo "big $i ${'k'.repeat(1000)}"; ` +
      'else echo "tick $i"; fi\n  sleep 0.1\ndone\n',
    { mode: 0o755 },
  );
  writeFileSync(big, '');
  const env = { HIVE_LOG_MAX_SIZE: '20K' };
  await hive.json(['start', script, '--name', 'kb', '--', big], { env });
  const out = join(hive.home, 'logs', 'kb-out.log');
  const size = () => statSync(out, { throwIfNoEntry: false })?.size ?? 0;
  await waitFor(() => size() >= 5 * 1024, 'a quarter of the maximum size in the out log');
  rmSync(big);
  truncateSync(out, 0);
  // Short lines, until the daemon says it noticed: 300 of them (30 s) would be about 5 KB, which with what was counted
  // before the truncation (5 KB and the big lines still on their way) stays under the maximum either way.
  const ticks = () => readOrEmpty(out).match(/ tick \d+$/gm)?.length ?? 0;
  await waitFor(
    () => /log .*kb-out\.log: truncated in place/.test(readOrEmpty(join(hive.home, 'daemon.log'))) || ticks() >= 300,
    'daemon.log to say the out log was truncated, or 300 short lines',
    60_000,
  );
  writeFileSync(big, '');
  const copy = await waitFor(() => rotatedLogCopies(out)[0], 'a rotation', 60_000);
  await hive.json(['delete', 'kb'], { env });
  const rotated = statSync(copy.path).size;
  assert.ok(rotated >= 20 * 1024, `rotated at ${rotated} bytes after the truncation, under HIVE_LOG_MAX_SIZE=20K`);
  assert.match(readOrEmpty(copy.path), /^\[kb:0\] (tick|big) \d+/, 'the copy holds the lines since the truncation');
});
