import assert from 'node:assert/strict';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { followLogs } from './follow-logs.js';
import { daemonFixture, HiveHome, waitFor } from './helpers.js';

const hive = new HiveHome();
after(() => hive.cleanup());

test('logs -f at a rotation prints the rest of the old file, then the new file from its start', async (t) => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'rot']);
  const out = join(hive.home, 'logs', 'rot-out.log');
  await waitFor(() => hive.readLog('rot-out.log').includes('ticker 0 started'), 'the first line');

  const follower = await followLogs(t, hive, 'rot');
  const printed = () => follower.lines().map((l) => l.line);

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
