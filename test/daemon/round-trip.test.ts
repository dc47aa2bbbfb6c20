import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, isAlive, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

type App = {
  id: number;
  name: string;
  status: string;
  ready: number;
  total: number;
  restarts: number;
  processes: { role: string; pid: number; instance: number | null; state: string; memory: number | null }[];
};

const workerPids = (app: App) => app.processes.filter((p) => p.role === 'worker').map((p) => p.pid);

test('start, ls, describe, logs, reload, scale, stop, save, delete, kill, resurrect', async () => {
  const [started] = await hive.json<App[]>(['start', appFixture, '-i', '2', '--name', 'api', '--env', 'EXTRA=x']);
  assert.equal(started!.name, 'api');
  assert.equal(started!.status, 'online');
  assert.equal(started!.ready, 2);

  // The home and the socket are private to the user.
  assert.equal(statSync(hive.home).mode & 0o777, 0o700);
  assert.equal(statSync(join(hive.home, 'daemon.sock')).mode & 0o777, 0o600);
  assert.ok(existsSync(join(hive.home, 'daemon.log')));
  const daemonPid = await hive.daemonPid();
  assert.ok(daemonPid);

  const [listed] = await hive.json<App[]>(['ls']);
  assert.deepEqual([listed!.name, listed!.ready, listed!.total, listed!.status], ['api', 2, 2, 'online']);
  const table = await hive.run(['ls']);
  assert.equal(table.code, 0);
  assert.match(table.stdout, /^id\s+name\s+mode\s+ready\s+status\s+restarts\s+uptime\s+cpu\s+memory/);
  assert.match(table.stdout, /api\s+cluster\s+2\/2\s+online/);

  const described = await hive.json<App>(['describe', 'api']);
  assert.equal(described.processes.filter((p) => p.role === 'primary').length, 1);
  assert.equal(workerPids(described).length, 2);
  assert.ok(described.processes.every((p) => p.memory === null || p.memory > 0));

  await waitFor(() => /\[api:0\] listening/.test(hive.readLog('api-out.log')), 'the out log');
  const logs = await hive.run(['logs', 'api', '--lines', '5']);
  assert.equal(logs.code, 0);
  assert.match(logs.stdout, /\[api:\d\] listening \d+ v1/);

  const before = workerPids(described);
  const [reloaded] = await hive.json<App[]>(['reload', 'api']);
  assert.equal(reloaded!.ready, 2);
  const afterReload = workerPids(await hive.json<App>(['describe', '0']));
  assert.equal(afterReload.length, 2);
  assert.ok(
    afterReload.every((pid) => !before.includes(pid)),
    'every worker was replaced',
  );

  const scaled = await hive.json<App>(['scale', 'api', '3']);
  assert.equal(scaled.total, 3);
  assert.equal(scaled.ready, 3);

  const [stopped] = await hive.json<App[]>(['stop', 'api']);
  assert.equal(stopped!.status, 'stopped');
  for (const pid of [...before, ...afterReload]) await waitFor(() => !isAlive(pid), `worker ${pid} to exit`);
  const [restarted] = await hive.json<App[]>(['restart', 'api']);
  assert.equal(restarted!.status, 'online');
  assert.equal(restarted!.total, 3, 'a restart keeps the scale');

  const saved = await hive.json<{ file: string; apps: string[] }>(['save']);
  assert.deepEqual(saved.apps, ['api']);
  assert.equal(statSync(saved.file).mode & 0o777, 0o600);

  const running = await hive.json<App>(['describe', 'api']);
  const pids = [daemonPid!, ...running.processes.map((p) => p.pid)];
  const killed = await hive.json<{ killed: boolean; pid: number }>(['kill']);
  assert.equal(killed.pid, daemonPid);
  for (const pid of pids) await waitFor(() => !isAlive(pid), `pid ${pid} to exit after hive kill`, 15_000);
  assert.equal(existsSync(join(hive.home, 'daemon.sock')), false);

  const resurrected = await hive.json<App[]>(['resurrect']);
  assert.deepEqual(
    resurrected.map((a) => [a.name, a.status, a.total]),
    [['api', 'online', 3]],
  );
  const newDaemon = await hive.daemonPid();
  assert.notEqual(newDaemon, daemonPid);

  const [deleted] = await hive.json<App[]>(['delete', 'all']);
  assert.equal(deleted!.name, 'api');
  assert.deepEqual(await hive.json(['ls']), []);
  await hive.json(['kill']);
  await waitFor(() => !isAlive(newDaemon!), 'the second daemon to exit');
});
