// A primary that dies is respawned, up to 10 crashes in a row; but a respawned primary whose start failed (its app
// exits at start: the database it needs went down with it) left the app errored at once, after one respawn.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { daemonFixture, isAlive, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a respawned primary that fails its start is one more crash in a row, respawned again, not errored', async () => {
  const dir = join(hive.dir, 'db');
  mkdirSync(dir);
  const [app] = await hive.json<App[]>(['start', daemonFixture('needs-db.cjs'), '--name', 'db', '-i', '1', '--', dir]);
  assert.equal(app!.status, 'online');
  const primary = app!.processes.find((p) => p.role === 'primary')!.pid;
  // The next two starts fail.
  writeFileSync(join(dir, 'fails'), '2');
  process.kill(primary, 'SIGKILL');
  await waitFor(() => !isAlive(primary), 'the primary to be gone');

  const online = await waitFor(async () => {
    const [now] = await hive.json<App[]>(['ls']);
    assert.notEqual(now!.status, 'errored', now!.lastError ?? '');
    return now!.status === 'online' && now!.processes.every((p) => p.pid !== primary) ? now : undefined;
  }, 'the app to be online again');
  // The crash, then the two respawns whose start failed.
  assert.equal(online.restarts, 3);
  assert.equal(readFileSync(join(dir, 'fails'), 'utf8'), '0');
  assert.match(online.lastError ?? '', /DB not reachable yet$/);
});
