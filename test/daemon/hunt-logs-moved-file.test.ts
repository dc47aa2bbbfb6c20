import assert from 'node:assert/strict';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('a log file moved away (logrotate) or removed is written anew at its path', async () => {
  const script = join(dir, 'tick.sh');
  writeFileSync(script, '#!/bin/sh\nn=0\nwhile true; do echo "tick $n"; n=$((n+1)); sleep 0.1; done\n', {
    mode: 0o755,
  });
  await hive.json(['start', script, '--name', 'mv']);
  const log = join(hive.home, 'logs', 'mv-out.log');
  await waitFor(() => readOrEmpty(log).includes('[mv:0] tick 1\n'), 'the first lines');
  // logrotate's default: the file renamed, a new one expected at the path.
  renameSync(log, `${log}.1`);
  await waitFor(() => /\[mv:0\] tick \d+\n/.test(readOrEmpty(log)), 'lines in a new file at the path after a move');
  const moved = readOrEmpty(`${log}.1`);
  const first = Number(/tick (\d+)/.exec(readOrEmpty(log))![1]);
  assert.ok(moved.includes(`[mv:0] tick ${first - 1}\n`), 'the lines before the new file are in the moved one');
  rmSync(log);
  await waitFor(
    () => existsSync(log) && /\[mv:0\] tick \d+\n/.test(readOrEmpty(log)),
    'lines in a new file after a removal',
  );
  // The daemon's own log is written on its own: the line may land after the app's.
  await waitFor(
    () => /mv-out\.log: moved or removed; writing a new file there/.test(readOrEmpty(join(hive.home, 'daemon.log'))),
    'the daemon to report the move',
  );
});
