import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { hivePaths } from '../../dist/daemon/paths.js';
import { daemonSnapshotSource } from '../../dist/daemon/snapshot-source.js';
import type { AppSnapshot, InstanceSnapshot } from '../../dist/metrics/snapshot.js';
import { freePort } from '../cluster/helpers.js';
import { appFixture, daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

type App = { processes: { role: string; pid: number; instance: number | null }[] };
const workerPids = (app: App) =>
  app.processes
    .filter((p) => p.role === 'worker')
    .map((p) => p.pid)
    .sort();

function assertNotCounted(instance: InstanceSnapshot): void {
  const { reqRate, errorRate, latencyP50, latencyP99, inFlight, classes } = instance;
  assert.deepEqual(
    [reqRate, errorRate, latencyP50, latencyP99, inFlight, classes],
    [null, null, null, null, null, null],
  );
  assert.equal('upgradedConnections' in instance, false);
}

test('the daemon snapshots every app: cluster apps from their primary, fork-mode apps from what it knows', async () => {
  const source = daemonSnapshotSource({ paths: hivePaths({ HIVE_HOME: hive.home }) });
  // No daemon yet: a typed error, and none is started by asking.
  await assert.rejects(source.snapshot(), { code: 'ERR_HIVE_DAEMON_NOT_RUNNING' });
  assert.equal(await hive.daemonPid(), undefined);

  await hive.json(['start', appFixture, '-i', '2', '--name', 'web']);
  await hive.json(['start', daemonFixture('ticker.sh'), '-i', '1']);
  const port = await waitFor(() => /listening (\d+)/.exec(hive.readLog('web-out.log'))?.[1], 'the app port');
  await hive.daemonPid();

  const first = await source.snapshot();
  assert.deepEqual(first.apps.map((a) => a.name).sort(), ['ticker', 'web']);
  const web = first.apps.find((a) => a.name === 'web')!;
  assert.deepEqual([web.state, web.size, web.ready, web.instances.length], ['online', 2, 2, 2]);
  const pids = web.instances.map((i) => i.pid).sort();
  assert.deepEqual(pids, workerPids(await hive.json<App>(['describe', 'web'])));
  assert.ok(
    web.events.some((e) => e.type === 'state'),
    'the primary keeps its events since start',
  );

  const ticker = first.apps.find((a) => a.name === 'ticker')!;
  assert.deepEqual([ticker.state, ticker.size, ticker.instances.length], ['online', 1, 1]);
  assert.deepEqual([ticker.instances[0]!.pid], workerPids(await hive.json<App>(['describe', 'ticker'])));
  assert.ok(ticker.instances[0]!.rss === null || ticker.instances[0]!.rss > 0);
  assert.ok(ticker.events.some((e) => e.type === 'state' && e.text === 'app online'));
  // A fork-mode process sends no per-request metrics: not counted (null, `-` in the views), as under
  // --no-http-metrics, not zeros that would pass off as no traffic.
  assert.deepEqual([ticker.reqRate, ticker.errorRate], [null, null]);
  assertNotCounted(ticker.instances[0]!);

  // Traffic shows up in the next worker reports (about once a second).
  for (let i = 0; i < 10; i++) await (await request(`http://127.0.0.1:${port}/`)).body.text();
  const served = (app: AppSnapshot) =>
    app.instances.reduce((sum, i) => sum + (i.classes ?? []).reduce((a, b) => a + b, 0), 0);
  const busy = await waitFor(async () => {
    const app = (await source.snapshot()).apps.find((a) => a.name === 'web')!;
    return served(app) >= 10 ? app : undefined;
  }, 'the requests in a snapshot');
  const classes = busy.instances[0]!.classes;
  assert.ok(classes !== null, 'counted');
  assert.equal(
    classes[1],
    classes.reduce((a, b) => a + b, 0),
    'all 2xx',
  );
  assert.ok(
    busy.instances.every((i) => i.rss !== null && i.rss > 0),
    'reports carry memory',
  );

  // One app by name, over the control protocol the CLI speaks.
  const only = await daemonSnapshotSource({ paths: hivePaths({ HIVE_HOME: hive.home }), target: 'ticker' }).snapshot();
  assert.deepEqual(
    only.apps.map((a) => a.name),
    ['ticker'],
  );

  // A primary that does not answer (stopped here with SIGSTOP) is shown from what the daemon knows.
  const described = await hive.json<App>(['describe', 'web']);
  const primary = described.processes.find((p) => p.role === 'primary')!.pid;
  process.kill(primary, 'SIGSTOP');
  try {
    const known = (await source.snapshot()).apps.find((a) => a.name === 'web')!;
    assert.deepEqual([known.state, known.ready], ['online', 2]);
    assert.deepEqual(known.instances.map((i) => i.pid).sort(), workerPids(described));
    // No per-request metrics from the daemon: not counted, though the workers did count some.
    assert.deepEqual([known.reqRate, known.errorRate], [null, null]);
    for (const instance of known.instances) assertNotCounted(instance);
    // The events the daemon read from the primary's output.
    assert.ok(known.events.some((e) => e.type === 'state' && e.text === 'app online'));
  } finally {
    process.kill(primary, 'SIGCONT');
  }

  // A stopped app is still listed, with no processes.
  await hive.json(['stop', 'web']);
  const stopped = (await source.snapshot()).apps.find((a) => a.name === 'web')!;
  assert.deepEqual([stopped.state, stopped.instances.length], ['stopped', 0]);
});

test("the dashboard's snapshots turn request sampling on in the app's processes; hive monit's do not", async () => {
  const metricsApp = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;
  const port = await freePort();
  // Reports every 200 ms (the samples come back in them), not every second.
  const interval = 200;
  const start = ['start', metricsApp, '-i', '1', '--name', 'sampled', '--port', String(port)];
  await hive.json([...start, '--memory-report-interval', `${interval}ms`]);
  const paths = hivePaths({ HIVE_HOME: hive.home });
  const monit = daemonSnapshotSource({ paths, target: 'sampled' });
  const dashboard = daemonSnapshotSource({ paths, target: 'sampled', requests: true });
  const traffic = async (round: number) => {
    const sent = [
      request(`http://127.0.0.1:${port}/slow?ms=30`, { headers: { 'x-request-id': `slow-${round}` } }),
      request(`http://127.0.0.1:${port}/compute`, { headers: { 'x-request-id': `compute-${round}` } }),
    ];
    for (const answer of await Promise.all(sent)) await answer.body.text();
  };
  const sampled = async (source: typeof monit) => (await source.snapshot()).apps[0]?.requests ?? [];

  // Without a page asking, the processes sample nothing (and pay nothing for it): three report intervals of traffic.
  for (let round = 0; round < 3; round++) {
    await traffic(round);
    await new Promise((resolve) => setTimeout(resolve, interval + 100));
    assert.deepEqual(await sampled(monit), [], 'hive monit snapshots leave sampling off');
  }

  // The dashboard's snapshots turn it on: the next requests come back with their timelines.
  await dashboard.snapshot();
  let round = 100;
  const found = await waitFor(async () => {
    await traffic(round++);
    const requests = await sampled(dashboard);
    const compute = requests.find((r) => r.id.startsWith('compute-'));
    return compute && requests.some((r) => r.id.startsWith('slow-')) ? compute : undefined;
  }, 'sampled requests after the dashboard asked');
  assert.equal(found.path, '/compute');
  assert.equal(found.tasks.length, 1);
  assert.equal(found.instance, 0);
  await hive.json(['delete', 'sampled']);
});
