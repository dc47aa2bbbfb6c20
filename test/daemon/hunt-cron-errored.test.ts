import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, type Described, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const workerPids = async (): Promise<number[]> =>
  (await hive.json<Described>(['describe', 'c'])).processes.filter((p) => p.role === 'worker').map((p) => p.pid);

// PM2's cron keeps ticking for an app that errored, and a tick starts it again: a nightly cron_restart brings back an
// app that failed meanwhile. Hive dropped the schedule of an errored app (no `nextCronRun`, no tick) until a reload.
test('a cron schedule keeps ticking after a failed start, and a tick starts the fixed app', async () => {
  const versionFile = join(hive.home, '..', 'version');
  writeFileSync(versionFile, 'broken');
  const failed = await hive.run([
    'start',
    appFixture,
    '-i',
    '1',
    '--name',
    'c',
    '--cron-restart',
    '* * * * * *',
    '--env',
    `APP_VERSION_FILE=${versionFile}`,
  ]);
  assert.equal(failed.code, 1, failed.stderr);
  const errored = await hive.json<Described>(['describe', 'c']);
  // Errored, or `starting` again already: the schedule ticks every second.
  assert.equal(errored.cronRestart, '* * * * * *');
  assert.notEqual(errored.nextCronRun ?? null, null, 'an errored app keeps its schedule');

  // No reload: the next tick starts the app once it can start.
  writeFileSync(versionFile, 'v1');
  await waitFor(async () => (await hive.json<Described>(['describe', 'c'])).status === 'online', 'a tick starting it');
  const [first] = await workerPids();
  assert.ok(first);
  // Every second a cron reload replaces the worker: a new pid shows that the schedule runs on.
  await waitFor(async () => {
    const pids = await workerPids();
    return pids.length > 0 && !pids.includes(first);
  }, 'a cron reload of the started app');
});
