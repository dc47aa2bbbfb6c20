import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppSnapshot, HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { appFixture, type Described, restartsTotal, tempHome, waitFor } from './helpers.js';

// One restart count in every view: `hive ls`'s (PM2's), which counts a respawn of the app's primary, in monit, the
// dashboard's snapshot and hive_restarts_total too; and the events of the app outlive its primary.

const hive = tempHome();

const primaryPid = (app: Described) => app.processes.find((p) => p.role === 'primary')?.pid;

async function snapshotOf(name: string): Promise<AppSnapshot> {
  return (await hive.json<HiveSnapshot>(['monit', name, '--once'])).apps[0]!;
}

test('a primary killed: ls, monit, the snapshot and hive_restarts_total say 1, the events say why', async () => {
  await hive.json(['start', appFixture, '--name', 'x', '-i', '1', '--metrics-port', '0']);
  const before = await hive.json<Described>(['describe', 'x']);
  const killed = primaryPid(before)!;
  process.kill(killed, 'SIGKILL');
  const after = await waitFor(async () => {
    const app = await hive.json<Described>(['describe', 'x']);
    const pid = primaryPid(app);
    return app.status === 'online' && pid !== undefined && pid !== killed && app.metrics !== null ? app : undefined;
  }, 'the primary respawned');
  assert.equal(after.restarts, 1);

  const app = await snapshotOf('x');
  assert.equal(app.restarts, 1);
  const texts = app.events.map((e) => e.text);
  assert.ok(
    texts.some((t) => new RegExp(`^primary \\(pid ${killed}\\) killed by SIGKILL; restarting it in \\d+ ms$`).test(t)),
    texts.join('\n'),
  );
  // The first primary's events are still there: the app went online twice.
  assert.equal(texts.filter((t) => t === 'app online').length, 2, texts.join('\n'));
  const frame = (await hive.run(['monit', 'x', '--once'])).stdout;
  assert.match(frame, /^> x +online +1\/1 +\S+ +\S+ +1$/m);
  assert.match(frame, /primary \(pid \d+\) killed by SIGKILL/);
  // Polled: the daemon gives a new primary the counts over IPC once it speaks, which a scrape may come before.
  await waitFor(async () => (await restartsTotal(after.metrics!)) === 1, 'hive_restarts_total 1');

  // A stop and a start keep the count (as `hive ls`, and PM2) and the history.
  await hive.json(['stop', 'x']);
  await hive.json(['start', 'x']);
  const again = await snapshotOf('x');
  assert.equal(again.restarts, 1);
  assert.ok(again.events.some((e) => e.type === 'primary'));
  const restarted = await hive.json<Described>(['describe', 'x']);
  assert.equal(restarted.restarts, 1);
  await waitFor(async () => (await restartsTotal(restarted.metrics!)) === 1, 'hive_restarts_total 1 again');
});

// A worker killed from outside is restarted by its primary: one restart counted per kill.
async function workerKilled(name: string, restarts: number): Promise<void> {
  const pid = await waitFor(async () => {
    const found = await hive.json<Described>(['describe', name]);
    return found.status === 'online' ? found.processes.find((p) => p.role === 'worker')?.pid : undefined;
  }, `${name}'s worker`);
  process.kill(pid!, 'SIGKILL');
  await waitFor(async () => (await hive.json<Described>(['describe', name])).restarts === restarts, `${restarts}`);
}

test("hive reset zeroes ls's count, not hive_restarts_total, which a new primary goes on from", async () => {
  await hive.json(['start', appFixture, '--name', 'r', '-i', '1', '--metrics-port', '0']);
  for (const n of [1, 2, 3]) await workerKilled('r', n);
  const { metrics } = await hive.json<Described>(['describe', 'r']);
  await waitFor(async () => (await restartsTotal(metrics!)) === 3, 'hive_restarts_total 3');
  await hive.json(['reset', 'r']);
  await workerKilled('r', 1);
  await waitFor(async () => (await restartsTotal(metrics!)) === 4, 'hive_restarts_total 4');

  // A new primary: the counter goes on from 4 (had it dropped to 1, Prometheus would count the 1 again), ls from 1.
  await hive.json(['restart', 'r']);
  const restarted = await waitFor(async () => {
    const app = await hive.json<Described>(['describe', 'r']);
    return app.status === 'online' && app.metrics !== null ? app : undefined;
  }, 'r restarted');
  assert.equal(restarted.restarts, 1);
  await waitFor(async () => (await restartsTotal(restarted.metrics!)) === 4, 'hive_restarts_total 4 again');
  assert.equal((await snapshotOf('r')).restarts, 1);
  await hive.json(['delete', 'r']);
});
