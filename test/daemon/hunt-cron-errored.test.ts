import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

interface Described {
  status: string;
  processes: { role: string; pid: number }[];
}

const workerPids = async (): Promise<number[]> =>
  (await hive.json<Described>(['describe', 'c'])).processes.filter((p) => p.role === 'worker').map((p) => p.pid);

test('a cron schedule ticks again after a failed start, once a reload has started the app', async () => {
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

  // The failed start stopped the schedule (a tick that was already waiting may start the broken app once more, and
  // fail the same way); a reload with the app fixed starts it, and must bring the schedule back.
  writeFileSync(versionFile, 'v1');
  await hive.json(['reload', 'c']);
  const [first] = await workerPids();
  assert.ok(first);
  // Every second a cron reload replaces the worker: a new pid shows that the schedule runs again.
  await waitFor(async () => {
    const pids = await workerPids();
    return pids.length > 0 && !pids.includes(first);
  }, 'a cron reload after the revival');
});
