// A primary up a while that then crash-loops is errored after 10 respawns in a row (maxRestarts 10, as a worker's slot
// after a stable run): the crash that ended its run is the first of the row. That crash was not counted, so the app
// got 11 respawns, and its app 11 failed starts, before it was errored.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { isAlive, startNeedsDb, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a primary up past 5 s that then crash-loops is errored after 10 respawns, not 11', async () => {
  const { dir, primary } = await startNeedsDb(hive);
  // Past the 5 s up that make a primary's run stable: its crash starts a new row.
  await delay(5_500);
  // Every start from now on fails: each respawned primary dies at its start, a crash in a row.
  writeFileSync(join(dir, 'fails'), '100');
  process.kill(primary, 'SIGKILL');
  await waitFor(() => !isAlive(primary), 'the primary to be gone');

  const errored = await waitFor(
    async () => {
      const [now] = await hive.json<App[]>(['ls']);
      return now!.status === 'errored' ? now : undefined;
    },
    'the app to be errored',
    120_000,
  );
  assert.equal(errored.restarts, 10);
  // The first start, then the 10 respawns' starts, each failed.
  const tries = readFileSync(join(dir, 'tries'), 'utf8').trim().split('\n');
  assert.equal(tries.length, 1 + 10);
  assert.equal(readFileSync(join(dir, 'fails'), 'utf8'), '90');
});
