// The logs folder removed while the daemon runs (`rm -rf ~/.hive/logs` to free a disk) was made again by
// rotating-file-stream with the umask's mode, 0755: every user could list the apps' log names, where the folder made
// at the start is 0700. It is made again 0700.
import assert from 'node:assert/strict';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a logs folder removed while the daemon runs is made again private (0700), as at the start', async () => {
  const script = join(hive.dir, 'tick.sh');
  writeFileSync(script, '#!/bin/sh\nn=0\nwhile true; do echo "tick $n"; n=$((n+1)); sleep 0.1; done\n', {
    mode: 0o755,
  });
  await hive.json(['start', script, '--name', 'w']);
  const logs = join(hive.home, 'logs');
  const out = join(logs, 'w-out.log');
  await waitFor(() => /tick 1\n/.test(readOrEmpty(out)), 'the app lines in its log');
  assert.equal(statSync(logs).mode & 0o777, 0o700, 'the folder made at the start');
  rmSync(logs, { recursive: true });
  // The daemon notices within a second of the next line that its file is gone, and opens a new one there.
  await waitFor(() => /tick \d+\n/.test(readOrEmpty(out)), 'the app lines in a new log');
  assert.equal((statSync(logs).mode & 0o777).toString(8), '700');
  assert.equal((statSync(out).mode & 0o777).toString(8), '600');
});
