import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppSnapshot, HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { appFixture, tempHome, waitFor } from './helpers.js';

// The live views (monit, the dashboard's snapshot) and describe list every slot of the cluster: one that crash-looped
// stays a row, errored, with its restarts and how it last exited (PM2's `pm2 ls` keeps an errored process's row),
// and one a scale-down retired leaves them.

const hive = tempHome();

interface Described {
  name: string;
  status: string;
  restarts: number;
  lastError: string | null;
  processes: { role: string; instance: number | null; pid: number; state: string }[];
  idleSlots: { instance: number; state: string; lastExit: { code: number | null; signal: string | null } | null }[];
}

// An ecosystem file: `hive start` has no flag for max_restarts, and 2 tries keep the test short.
function crashConfig(name: string, env: Record<string, string>, restartDelay = 50): string {
  const app = { name, script: appFixture, instances: 2, max_restarts: 2, restart_delay: restartDelay, env };
  const file = hive.writeConfig([app], `${name}.config.cjs`);
  return file;
}

async function snapshotOf(name: string): Promise<AppSnapshot> {
  const snapshot = await hive.json<HiveSnapshot>(['monit', name, '--once']);
  return snapshot.apps[0]!;
}

test('slots that crash-looped are errored rows of monit, the snapshot and describe, with restarts and last exit', async () => {
  await hive.json(['start', crashConfig('fc', { CRASH_AFTER_MS: '200' })]);
  const described = await waitFor(async () => {
    const app = await hive.json<Described>(['describe', 'fc']);
    return app.idleSlots.filter((slot) => slot.state === 'errored').length === 2 ? app : undefined;
  }, 'both slots errored');
  assert.equal(described.status, 'errored');
  // No process in either: `processes` lists processes (scripts read their pids), the slots are rows of their own.
  assert.deepEqual(
    described.processes.map((p) => p.role),
    ['primary'],
  );
  assert.deepEqual(
    described.idleSlots.map((slot) => [slot.instance, slot.state, slot.lastExit?.code]),
    [
      [0, 'errored', 3],
      [1, 'errored', 3],
    ],
  );
  assert.match(described.lastError ?? '', /^workers 0, 1 crash-looped/);
  const text = (await hive.run(['describe', 'fc'])).stdout;
  assert.match(text, /worker 0 +- +errored \(last exit code 3\)/);

  const app = await snapshotOf('fc');
  assert.deepEqual(
    app.instances.map((i) => [i.instance, i.pid, i.state, i.restarts, i.lastExit?.code]),
    [
      [0, null, 'errored', 2, 3],
      [1, null, 'errored', 2, 3],
    ],
  );
  const frame = (await hive.run(['monit', 'fc', '--once'])).stdout;
  assert.doesNotMatch(frame, /no processes/);
  assert.match(frame, /^[> ] +0 +- +errored/m);
  assert.match(frame, /^[> ] +1 +- +errored/m);
});

test('one slot crash-looping beside a healthy one: both rows, the errored one with its restarts', async () => {
  await hive.json(['start', crashConfig('half', { CRASH_AFTER_MS: '200', CRASH_INSTANCES: '1' })]);
  const app = await waitFor(async () => {
    const snapshot = await snapshotOf('half');
    return snapshot.instances.some((i) => i.state === 'errored') ? snapshot : undefined;
  }, 'slot 1 errored in the snapshot');
  assert.deepEqual(
    app.instances.map((i) => [i.instance, i.state, i.restarts]),
    [
      [0, 'ready', 0],
      [1, 'errored', 2],
    ],
  );
  const described = await hive.json<Described>(['describe', 'half']);
  assert.match(described.lastError ?? '', /^worker 1 crash-looped/);
});

// PM2's row says `waiting restart` there; a bare `online` read as healthy.
test('a slot waiting for its crash restart is counted in the status hive ls shows', async () => {
  // A restart delay far past the test: the slot waits the whole time.
  await hive.json(['start', crashConfig('waits', { CRASH_AFTER_MS: '200', CRASH_INSTANCES: '1' }, 600_000)]);
  await waitFor(async () => {
    const app = await hive.json<Described>(['describe', 'waits']);
    return app.idleSlots.some((slot) => slot.instance === 1 && slot.state === 'restarting');
  }, 'slot 1 restarting');
  assert.match((await hive.run(['ls'])).stdout, /^\d+ +waits +cluster +1\/2 +online \(1 restarting\) /m);
  assert.equal((await hive.json<Described[]>(['ls'])).find((app) => app.name === 'waits')?.status, 'online');
  await hive.json(['delete', 'waits']);
});

test('a slot a scale-down removed leaves monit, the snapshot and describe', async () => {
  await hive.json(['start', appFixture, '--name', 'g', '-i', '2']);
  // Both slots reported metrics before the scale (the old views kept a row for every slot that ever reported).
  await waitFor(async () => (await snapshotOf('g')).instances.filter((i) => i.rss !== null).length === 2, 'reports');
  await hive.json(['scale', 'g', '1']);
  const app = await waitFor(async () => {
    const snapshot = await snapshotOf('g');
    return snapshot.instances.length === 1 ? snapshot : undefined;
  }, 'one slot in the snapshot');
  assert.deepEqual(
    app.instances.map((i) => [i.instance, i.state]),
    [[0, 'ready']],
  );
  assert.equal(app.size, 1);
  // Reports of the retired slot's process are in the metrics since before the scale: still, no row.
  const frame = (await hive.run(['monit', 'g', '--once'])).stdout;
  assert.match(frame, /\(1\/1 ready\)/);
  assert.doesNotMatch(frame, /^[> ] +1 +/m);
  const described = await hive.json<Described>(['describe', 'g']);
  assert.deepEqual(
    described.processes.filter((p) => p.role === 'worker').map((p) => p.instance),
    [0],
  );
});
