// A `hive run` started from inside a daemon-managed app inherits the outer app's HIVE_APP_ID. One started without an
// IPC channel dropped it, but one forked with a channel (child_process.fork) took the channel for the daemon's and kept
// it: its processes' pm_ids were made of the outer app's id, not 0 for instance 0 as a `hive run` promises
// (docs/config.md#pm-id).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, repliesByInstance } from '../cluster/helpers.js';
import { appFixture, daemonFixture, hiveBin, tempHome } from './helpers.js';

const hive = tempHome();

test('a hive run forked with an IPC channel by a managed app numbers its pm_ids from 0', async () => {
  const port = await freePort();
  const file = join(hive.dir, 'ecosystem.config.json');
  const env = { HIVE_BIN: hiveBin, INNER_APP: appFixture, INNER_PORT: String(port) };
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        { name: 'first', script: daemonFixture('pm-id-probe.sh'), exec_mode: 'fork' },
        { name: 'outer', script: daemonFixture('nested-run.mjs'), instances: 1, exec_mode: 'cluster', env },
      ],
    }),
  );
  const apps = await hive.json<{ id: number; name: string }[]>(['start', file]);
  assert.deepEqual(
    apps.map((app) => [app.name, app.id]),
    [
      ['first', 0],
      ['outer', 1],
    ],
  );
  const inner = await repliesByInstance(port, 2);
  assert.deepEqual(Object.fromEntries([...inner].map(([instance, reply]) => [instance, reply.pmId])), {
    0: '0',
    1: '2',
  });
});
