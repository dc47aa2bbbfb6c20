import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import type { HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { appFixture, type Described, restartsTotal, tempHome, waitFor } from './helpers.js';

// A worker SIGTERMed from outside drains and exits 0: a retirement whoever sent the signal asked for. Its slot is
// restarted (as PM2 does), but it is no crash: no view counts it among the restarts (hive ls, monit,
// hive_restarts_total), as they do not count reloads; a SIGKILL still counts.

const hive = tempHome();

// The worker's pid once the app is online with a worker other than `not`.
function workerPid(name: string, not?: number): Promise<number> {
  return waitFor(async () => {
    const app = await hive.json<Described>(['describe', name]);
    const pid = app.processes.find((p) => p.role === 'worker')?.pid;
    return app.status === 'online' && pid && pid !== not ? pid : undefined;
  }, `${name}'s worker`);
}

test('a worker SIGTERMed from outside is restarted, not counted as a restart, and not called a crash', async () => {
  await hive.json(['start', appFixture, '--name', 't', '-i', '1', '--metrics-port', '0']);
  const first = await workerPid('t');
  // Past --min-uptime (1 s by default): an earlier exit is a crash for the restart rules (self-sigterm-loop.test.ts).
  await setTimeout(1_200);
  process.kill(first, 'SIGTERM');
  const second = await workerPid('t', first);
  // Its replacement is ready before it drains and exits (test/cluster/sigterm-handover.test.ts).
  const exit = `worker 0 (pid ${first}) exited with code 0 (retired on a SIGTERM sent to it)`;
  const monit = async () => (await hive.json<HiveSnapshot>(['monit', 't', '--once'])).apps[0]!;
  await waitFor(async () => (await monit()).events.some((e) => e.text.includes(`(pid ${first}) exited`)), 'its exit');

  const described = await hive.json<Described>(['describe', 't']);
  assert.equal(described.restarts, 0);
  assert.equal(await restartsTotal(described.metrics!), 0);
  const app = await monit();
  assert.equal(app.restarts, 0);
  const texts = app.events.map((e) => e.text);
  assert.ok(texts.includes(exit), texts.join(' | '));
  assert.ok(
    texts.includes('restarting worker 0 (a retirement, not a crash: not counted in restarts)'),
    texts.join(' | '),
  );
  assert.ok(!texts.some((text) => text.includes('crash)')), texts.join(' | '));

  // A crash still counts.
  process.kill(second, 'SIGKILL');
  await workerPid('t', second);
  await waitFor(async () => (await hive.json<Described>(['describe', 't'])).restarts === 1, 'restarts 1');
  await waitFor(async () => (await restartsTotal(described.metrics!)) === 1, 'hive_restarts_total 1');
  await hive.json(['delete', 't']);
});
