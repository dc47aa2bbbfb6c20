// PM2's `autorestart: false` and `stop_exit_codes` under `hive start`: an app whose processes all exited and are left
// down is `stopped` (its primary is not started again), and `hive restart` runs it again. Fork and cluster mode.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

type App = { name: string; mode: string; status: string; restarts: number };
const exitApp = new URL('../fixtures/cluster/exit-app.cjs', import.meta.url).pathname;
const describeApp = (name: string) => hive.json<App>(['describe', name]);
const stopped = async (name: string) => {
  await waitFor(async () => (await describeApp(name)).status === 'stopped', `${name} stopped`);
  return describeApp(name);
};
const runs = (log: string, line: string) => log.split('\n').filter((l) => l.includes(line)).length;

test('ecosystem autorestart: false and stop_exit_codes: fork and cluster apps end stopped; restart runs them again', async () => {
  const file = join(hive.home, '..', 'ecosystem.config.json');
  const job = daemonFixture('exit-with.sh');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        // Fork mode: 5 is a stop code, so the job is done; 4 is not, so it is restarted until errored.
        { name: 'job', script: job, args: '5', stop_exit_codes: [5] },
        { name: 'loop', script: job, args: '4', stop_exit_codes: [5], max_restarts: 2, restart_delay: 10 },
        // Cluster mode: no restart after any exit; and a stop code alone.
        { name: 'once', script: exitApp, exec_mode: 'cluster', autorestart: false, env: { EXIT_CODE_0: '1' } },
        { name: 'codes', script: exitApp, exec_mode: 'cluster', stop_exit_codes: [0], env: { EXIT_CODE_0: '0' } },
      ],
    }),
  );
  const start = await hive.run(['start', file]);
  assert.equal(start.code, 0, start.stderr);
  // Acted on now, so no longer reported as "not acted on yet".
  assert.doesNotMatch(start.stderr, /autorestart|stop_exit_codes/);

  for (const name of ['job', 'once', 'codes']) {
    const app = await stopped(name);
    // The primary's end was the app's, not a crash the daemon answers by starting it again.
    assert.equal(app.restarts, 0, `${name}: ${JSON.stringify(app)}`);
  }
  // The daemon writes log files asynchronously: a line may land after the status that follows it.
  await waitFor(() => runs(hive.readLog('job-out.log'), 'exit-with 5 ran') >= 1, "the job's line");
  assert.equal(runs(hive.readLog('job-out.log'), 'exit-with 5 ran'), 1);
  await waitFor(async () => (await describeApp('loop')).status === 'errored', 'loop errored');
  await waitFor(() => runs(hive.readLog('loop-out.log'), 'exit-with 4 ran') >= 3, "the loop's lines");
  assert.ok(runs(hive.readLog('loop-out.log'), 'exit-with 4 ran') >= 3);

  // `hive restart` starts a stopped app again, which ends the same way.
  await hive.json(['restart', 'job']);
  await waitFor(() => runs(hive.readLog('job-out.log'), 'exit-with 5 ran') === 2, 'the job ran again');
  assert.equal((await stopped('job')).status, 'stopped');
  await waitFor(() => runs(hive.readLog('once-out.log'), 'exit-app 0 up') >= 1, "the first run's line");
  assert.equal(runs(hive.readLog('once-out.log'), 'exit-app 0 up'), 1);
  await hive.json(['restart', 'once']);
  await waitFor(() => runs(hive.readLog('once-out.log'), 'exit-app 0 up') === 2, 'once ran again');
  assert.equal((await stopped('once')).status, 'stopped');
});
