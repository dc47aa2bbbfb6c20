import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { request } from 'undici';
import { appFixture, type Described, daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test("CPU: readers never cut each other's window (a busy process reads busy, however often /readyz is probed)", async () => {
  const env = { HIVE_DAEMON_METRICS_PORT: '0' };
  await hive.json(['start', daemonFixture('busy-loop.cjs'), '-x', '--name', 'busy'], { env });
  const { daemonMetrics } = await hive.json<{ daemonMetrics: string | null }>(['version']);
  const readyz = daemonMetrics!.replace(/\/metrics$/, '/readyz');
  await waitFor(async () => (await hive.json<Described>(['describe', 'busy'])).ready === 1, 'busy ready');

  // Each probe lists the apps: with a sample per read, `hive ls` right after one measured a window of a few ms.
  let probing = true;
  const probes = Array.from({ length: 4 }, async () => {
    while (probing) await (await request(readyz)).body.text();
  });
  const readings: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const [app] = await hive.json<Described[]>(['ls']);
      const worker = app!.processes.find((p) => p.role === 'worker')!;
      readings.push(worker.cpu!, app!.cpu!);
    }
  } finally {
    probing = false;
    await Promise.all(probes);
  }
  const ceiling = 100 * availableParallelism();
  assert.ok(
    readings.every((cpu) => cpu > 0 && cpu <= ceiling),
    `a process busy all the time read ${readings.join('% ')}% (each in (0, ${ceiling}])`,
  );
  await hive.json(['delete', 'busy']);
});

test("ls: an app's cpu and memory are its own processes', not Hive's primary (PM2's and monit's figures)", async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  await hive.json(['start', appFixture, '-i', '2', '--name', 'web']);
  const apps = await waitFor(async () => {
    const listed = (await hive.json<Described[]>(['ls'])).filter((app) => app.name !== 'busy');
    return listed.every((app) => app.ready === app.total && app.total > 0) ? listed : undefined;
  }, 'both apps ready');
  for (const app of apps) {
    const workers = app.processes.filter((p) => p.role === 'worker');
    const primary = app.processes.find((p) => p.role === 'primary');
    assert.ok(primary?.memory, `${app.name}: the primary listed with its memory`);
    const sum = (key: 'cpu' | 'memory') => workers.reduce((total, p) => total + (p[key] ?? 0), 0);
    assert.equal(app.memory, sum('memory'), `${app.name}: memory`);
    assert.equal(app.cpu, Math.round(sum('cpu') * 10) / 10, `${app.name}: cpu`);
  }
  await hive.json(['delete', 'tick']);
  await hive.json(['delete', 'web']);
});
