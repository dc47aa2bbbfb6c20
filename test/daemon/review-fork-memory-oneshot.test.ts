// A one-shot fork-mode job (`--no-autorestart`) whose process is replaced (over --max-memory-restart, or by a reload)
// keeps running in the replacement: a replacement is not the job ending.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

interface App {
  status: string;
  processes: { role: string; pid: number }[];
}

const ticker = daemonFixture('ticker.sh');

function workerPid(app: App): number | undefined {
  return app.processes.find((p) => p.role === 'worker')?.pid;
}

test('--no-autorestart: a process over --max-memory-restart is started again, not left stopped', async () => {
  // Any process is over 1 KiB of RSS.
  const [app] = await hive.json<App[]>([
    'start',
    ticker,
    '--name',
    'mem',
    '--no-autorestart',
    '--max-memory-restart',
    '1K',
    '-i',
    '1',
  ]);
  const first = workerPid(app!);
  assert.ok(first, 'a worker started');
  await waitFor(async () => {
    const now = await hive.json<App>(['describe', 'mem']);
    // Stopped with no process: the job ended at its memory restart.
    assert.notEqual(now.status, 'stopped', `the job ended at its memory restart: ${JSON.stringify(now)}`);
    const pid = workerPid(now);
    return pid !== undefined && pid !== first;
  }, 'the process started again after its memory restart');
  await waitFor(
    () => /mem: worker 0 \(pid \d+\) used [\d.]+ MiB, over its [\d.]+ MiB limit/.test(hive.readLog('../daemon.log')),
    'the memory restart in the daemon log',
  );
});

test('--no-autorestart: a reload starts the job again rather than ending it', async () => {
  const [app] = await hive.json<App[]>(['start', ticker, '--name', 'job', '--no-autorestart']);
  const first = workerPid(app!);
  assert.ok(first, 'a worker started');
  const reload = await hive.run(['reload', 'job']);
  assert.equal(reload.code, 0, reload.stderr);
  const now = await hive.json<App>(['describe', 'job']);
  assert.equal(now.status, 'online', JSON.stringify(now));
  const pid = workerPid(now);
  assert.ok(pid !== undefined && pid !== first, `a new process: ${JSON.stringify(now)}`);
});
