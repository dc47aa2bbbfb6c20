// A rolling reload under steady traffic, through the daemon: no snapshot between the reload's start and the new
// processes' first reports reads the app's req/s 0 (or null), although the old processes drain and exit well before
// the new ones report (see reload-snapshot-rate.test.ts for the collector itself).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hivePaths } from '../../dist/daemon/paths.js';
import { daemonSnapshotSource } from '../../dist/daemon/snapshot-source.js';
import type { AppSnapshot } from '../../dist/metrics/snapshot.js';
import { tempApp } from '../cluster/helpers.js';
import { tempHome, waitFor } from '../daemon/helpers.js';

// Each process sends itself 5 requests a second through the app's port (no keep-alive: a new connection each, which
// the cluster hands to either process), while it lives: steady traffic, with no port chosen by the test.
const { app } = tempApp(
  'hive-reload-rate-',
  `import { createServer, get } from 'node:http';
const server = createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  setInterval(() => get({ host: '127.0.0.1', port, agent: false }, (res) => res.resume()).on('error', () => {}), 200);
});
`,
);
const hive = tempHome();

test("a fast rolling reload under traffic never reads the app's req/s 0", async () => {
  // Reports every 10 s: the new processes' first reports come that long after their fork, well after the reload (its
  // old processes gone), so that the snapshots below see both rows on new processes that have not reported.
  await hive.json(['start', app, '-i', '2', '--name', 'web', '--memory-report-interval', '10s']);
  const source = daemonSnapshotSource({ paths: hivePaths({ HIVE_HOME: hive.home }) });
  const web = async (): Promise<AppSnapshot> => (await source.snapshot()).apps.find((a) => a.name === 'web')!;
  const before = await waitFor(
    async () => {
      const snapshot = await web();
      return snapshot.instances.length === 2 && snapshot.instances.every((i) => (i.reqRate ?? 0) > 0)
        ? snapshot
        : undefined;
    },
    'both processes reported traffic',
    60_000,
  );
  const oldPids = new Set(before.instances.map((i) => i.pid));

  const snapshots: AppSnapshot[] = [];
  let reloading = true;
  const reload = hive.json(['reload', 'web']).finally(() => {
    reloading = false;
  });
  // Until the reload is over and both new processes have reported (or 60 s).
  await waitFor(
    async () => {
      const snapshot = await web();
      snapshots.push(snapshot);
      const rows = snapshot.instances;
      return !reloading && rows.length === 2 && rows.every((i) => !oldPids.has(i.pid) && i.rss !== null);
    },
    'the new processes reported',
    60_000,
  );
  await reload;

  const unreported = snapshots.filter((s) =>
    s.instances.every((i) => i.pid !== null && !oldPids.has(i.pid) && i.rss === null),
  );
  assert.ok(unreported.length > 0, 'a snapshot with both rows on new processes that have not reported yet');
  const dips = snapshots.map((s) => s.reqRate).filter((rate) => rate === null || rate <= 0);
  assert.deepEqual(dips, [], `the app's req/s in ${dips.length} of ${snapshots.length} snapshots`);
});
