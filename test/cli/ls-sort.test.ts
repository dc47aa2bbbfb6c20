// PM2's `pm2 ls --sort name:desc`: the app table ordered by a field, ascending unless `:desc`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appOrder } from '../../dist/cli/app-sort.js';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

const app = (id: number, name: string, fields: Partial<AppInfo> = {}) =>
  ({ id, name, cpu: null, memory: null, restarts: 0, processUptime: 0, ...fields }) as AppInfo;

test('appOrder sorts by each field, ascending unless :desc, ties by id, an app with no cpu or memory first', () => {
  const apps = [
    app(0, 'b', { cpu: 2, memory: 300, restarts: 1, processUptime: 10 }),
    app(1, 'c', { cpu: 0.5, memory: 100, restarts: 1, processUptime: 30 }),
    app(2, 'a'),
  ];
  const names = (sort: string) => [...apps].sort(appOrder(sort)).map((a) => a.name);
  assert.deepEqual(names('name'), ['a', 'b', 'c']);
  assert.deepEqual(names('name:desc'), ['c', 'b', 'a']);
  assert.deepEqual(names('id:desc'), ['a', 'c', 'b']);
  assert.deepEqual(names('cpu'), ['a', 'c', 'b']);
  assert.deepEqual(names('memory:desc'), ['b', 'c', 'a']);
  assert.deepEqual(names('restarts:desc'), ['b', 'c', 'a'], 'a tie in id order, whatever the direction');
  assert.deepEqual(names('uptime:asc'), ['a', 'b', 'c']);
  for (const bad of ['pid', 'name:up', 'name:desc:x', '', 'Name']) {
    assert.throws(() => appOrder(bad), { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /expected --sort to be/ });
  }
});

test('hive ls --sort orders the table and the JSON; a bad field exits 2 naming it', async () => {
  for (const name of ['b', 'c', 'a']) await hive.json(['start', daemonFixture('ticker.sh'), '--name', name]);
  // c restarts once: its worker killed from outside.
  const c = await waitFor(async () => {
    const found = await hive.json<AppInfo>(['describe', 'c']);
    return found.processes.find((p) => p.role === 'worker')?.pid;
  }, "c's process");
  process.kill(c, 'SIGKILL');
  await waitFor(async () => (await hive.json<AppInfo>(['describe', 'c'])).restarts === 1, 'c restarted');

  const table = await hive.run(['ls', '--sort', 'name:desc']);
  assert.equal(table.code, 0, table.stderr);
  const rows = table.stdout.trim().split('\n').slice(1);
  assert.deepEqual(
    rows.map((row) => row.split(/\s+/)[1]),
    ['c', 'b', 'a'],
  );
  const byRestarts = await hive.json<AppInfo[]>(['ls', '--sort=restarts:desc']);
  assert.deepEqual(
    byRestarts.map((a) => a.name),
    ['c', 'b', 'a'],
  );
  const byId = await hive.json<AppInfo[]>(['ls', '--sort', 'id']);
  assert.deepEqual(
    byId.map((a) => a.name),
    ['b', 'c', 'a'],
  );

  const bad = await hive.run(['ls', '--sort', 'pid']);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /^hive ls: ERR_HIVE_INVALID_ARGUMENT: expected --sort to be <field>\[:asc\|desc\] .*got "pid"/m,
  );
});
