import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DaemonClient } from '../../dist/daemon/client.js';
import { hivePaths } from '../../dist/daemon/paths.js';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();

test('saves asked at once all succeed, and leave one whole dump and no temporary', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  const client = await DaemonClient.connect({ start: false, paths: hivePaths({ HIVE_HOME: hive.home }) });
  assert.ok(client, 'the daemon answers');
  try {
    // Sent together on one connection: the daemon runs them side by side.
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => client.request('save')));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.deepEqual(
      failed.map((r) => (r.reason as Error).message),
      [],
    );
  } finally {
    client.close();
  }
  const dump = JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8')) as { apps: { name: string }[] };
  assert.deepEqual(
    dump.apps.map((app) => app.name),
    ['tick'],
  );
  assert.deepEqual(
    // dump.json.bak too when a save found another's dump already written: which ones did depends on their order.
    readdirSync(hive.home).filter((name) => name.startsWith('dump.json') && name !== 'dump.json.bak'),
    ['dump.json'],
  );
});
