// PM2 gives every process a `pm_id`, unique in its daemon, and apps elect a leader with `process.env.pm_id === '0'`.
// Hive's app processes had none: the idiom elected nobody. Now: unique among the daemon's processes, kept by a slot
// through a restart, 0 for instance 0 of app 0 (cluster/pm-id.ts), in both modes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, repliesByInstance } from '../cluster/helpers.js';
import { appFixture, daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

/** instance -> pm_id, from the probe's lines in the app's log (the last line of each instance wins). */
function forkIds(name: string): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [, pmId, instance] of hive.readLog(`${name}-out.log`).matchAll(/pm_id=(\S*) instance=(\d+)/g)) {
    ids.set(instance!, pmId!);
  }
  return ids;
}

test('every app process has a pm_id unique in the daemon, 0 for the first instance of the first app', async () => {
  const port = await freePort();
  const file = join(hive.dir, 'ecosystem.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        { name: 'jobs', script: daemonFixture('pm-id-probe.sh'), instances: 2, exec_mode: 'fork' },
        { name: 'web', script: appFixture, instances: 2, exec_mode: 'cluster', env: { PORT: String(port) } },
      ],
    }),
  );
  const apps = await hive.json<{ id: number; name: string }[]>(['start', file]);
  assert.deepEqual(
    apps.map((app) => [app.name, app.id]),
    [
      ['jobs', 0],
      ['web', 1],
    ],
  );
  await waitFor(() => forkIds('jobs').size === 2, 'both fork-mode processes');
  assert.deepEqual(Object.fromEntries(forkIds('jobs')), { 0: '0', 1: '2' });
  const web = await repliesByInstance(port, 2);
  assert.deepEqual(Object.fromEntries([...web].map(([instance, reply]) => [instance, reply.pmId])), { 0: '1', 1: '4' });

  // A slot keeps its pm_id through a restart, as in PM2.
  await hive.json(['restart', 'jobs']);
  await waitFor(() => (hive.readLog('jobs-out.log').match(/pm_id=/g) ?? []).length === 4, 'the restarted processes');
  assert.deepEqual(Object.fromEntries(forkIds('jobs')), { 0: '0', 1: '2' });
});
