import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, isAlive, tempHome, waitFor } from './helpers.js';

type App = { name: string; script: string; status: string; processes: { role: string; pid: number }[] };

const hive = tempHome();

test('hive start over an errored app whose primary is alive stops that primary and runs the new script', async () => {
  // once.sh exits at once: restarted until the slot is errored, while its primary stays up (state `errored`). Two
  // restarts, not the default 10 (their backoff is 11 s): how the slot gets errored is not what this test is about.
  await hive.json(['start', daemonFixture('once.sh'), '--name', 'job', '--max-restarts', '2']);
  const errored = await waitFor(async () => {
    const app = await hive.json<App>(['describe', 'job']);
    return app.status === 'errored' ? app : undefined;
  }, 'the job to be errored');
  const oldPrimary = errored.processes.find((p) => p.role === 'primary')?.pid;
  assert.ok(oldPrimary, 'the errored app keeps its primary');

  const [started] = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '--name', 'job']);
  assert.deepEqual([started!.script, started!.status], [daemonFixture('ticker.sh'), 'online']);
  const primary = started!.processes.find((p) => p.role === 'primary')?.pid;
  assert.notEqual(primary, oldPrimary);
  assert.equal(isAlive(oldPrimary), false);
  await waitFor(() => /ticker 0 started/.test(hive.readLog('job-out.log')), 'the new script to run');
});
