import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { followLogs } from './follow-logs.js';
import { startWatchedApp, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('--watch reloads on a file change (not in node_modules); logs -f shows the new lines live', async (t) => {
  const dir = join(hive.home, '..', 'src');
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  const versionFile = await startWatchedApp(hive, 'w', dir);

  const follower = await followLogs(t, hive, 'w');

  writeFileSync(versionFile, 'v2');
  await waitFor(() => /\[w:0\] listening \d+ v2/.test(hive.readLog('w-out.log')), 'a reload with v2', 60_000);
  const line = await waitFor(() => follower.lines().find((l) => /v2/.test(l.line)), 'logs -f to print the v2 line');
  assert.equal(line.app, 'w');
  assert.equal(line.stream, 'out');

  // The new worker's line comes before the old one has retired: the app is `reloading` until then.
  const app = await waitFor(async () => {
    const described = await hive.json<{ watch: string[]; status: string }>(['describe', 'w']);
    return described.status === 'reloading' ? undefined : described;
  }, 'the reload to end');
  assert.deepEqual(app.watch, [dir]);
  assert.equal(app.status, 'online');
});
