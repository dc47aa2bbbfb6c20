import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { daemonFixture, isAlive, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const workers = (app: App) => app.processes.filter((p) => p.role === 'worker').map((p) => p.pid);

test('fork mode: a non-Node program as plain processes, with logs, reload, scale, one-shot cron jobs and kill', async () => {
  const [ticker] = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '-i', '2', '--', 'hello']);
  assert.deepEqual([ticker!.mode, ticker!.status, ticker!.ready, ticker!.total], ['fork', 'online', 2, 2]);
  await waitFor(() => /\[ticker:1\] ticker 1 started hello/.test(hive.readLog('ticker-out.log')), 'ticker output');

  const before = workers(await hive.json<App>(['describe', 'ticker']));
  await hive.json(['reload', 'ticker']);
  const reloaded = workers(await hive.json<App>(['describe', 'ticker']));
  assert.equal(reloaded.length, 2);
  assert.ok(reloaded.every((pid) => !before.includes(pid)));
  for (const pid of before) await waitFor(() => !isAlive(pid), `old process ${pid} to exit`);

  const scaled = await hive.json<App>(['scale', 'ticker', '1']);
  assert.equal(scaled.total, 1);
  assert.equal(workers(scaled).length, 1);

  // A one-shot job on a schedule: runs, shows stopped between runs, runs again at the next tick.
  await hive.json(['start', daemonFixture('once.sh'), '--no-autorestart', '--cron-restart', '* * * * * *']);
  await waitFor(() => (hive.readLog('once-out.log').match(/job ran/g) ?? []).length >= 2, 'two runs of the job');
  await waitFor(async () => (await hive.json<App>(['describe', 'once'])).status === 'stopped', 'the job stopped');
  await hive.json(['delete', 'once']);

  // A PM2 file with `interpreter: 'none'`.
  const file = hive.writeConfig([
    { name: 'bin', script: daemonFixture('ticker.sh'), interpreter: 'none', args: 'pm2' },
  ]);
  const [bin] = await hive.json<App[]>(['start', file]);
  assert.deepEqual([bin!.mode, bin!.total], ['fork', 1]);
  await waitFor(() => /\[bin:0\] ticker 0 started pm2/.test(hive.readLog('bin-out.log')), 'bin output');

  // A program in the current folder named without a slash is that file, not a command on PATH.
  const folder = hive.dir;
  copyFileSync(daemonFixture('ticker.sh'), join(folder, 'local.sh'));
  const [local] = await hive.json<App[]>(['start', 'local.sh', '--', 'here'], { cwd: folder });
  assert.deepEqual([local!.mode, local!.status, local!.total], ['fork', 'online', 1]);
  await waitFor(() => /\[local:0\] ticker 0 started here/.test(hive.readLog('local-out.log')), 'local.sh output');
  assert.equal((await hive.json<{ restarts: number }>(['describe', 'local'])).restarts ?? 0, 0);

  const pids = (await hive.json<App[]>(['ls'])).flatMap((app) => app.processes.map((p) => p.pid));
  const daemon = await hive.daemonPid();
  await hive.json(['kill']);
  for (const pid of [...pids, daemon!]) await waitFor(() => !isAlive(pid), `pid ${pid} to exit after kill`, 15_000);
});
