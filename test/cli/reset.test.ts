// PM2's `pm2 reset <name|id|all>`: the restart counters of `ls` back to 0, the apps left running.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hivePaths } from '../../dist/daemon/paths.js';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { daemonSnapshotSource } from '../../dist/daemon/snapshot-source.js';
import { appFixture, daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

const describe = (name: string) => hive.json<App>(['describe', name]);

// A worker killed from outside is restarted by its primary: one restart counted per kill.
async function crash(name: string, restarts: number): Promise<void> {
  const app = await waitFor(async () => {
    const found = await describe(name);
    return found.processes.some((p) => p.role === 'worker') ? found : undefined;
  }, `${name}'s process`);
  process.kill(app.processes.find((p) => p.role === 'worker')!.pid, 'SIGKILL');
  await waitFor(async () => (await describe(name)).restarts === restarts, `${name}: ${restarts} restart(s)`);
}

test('hive reset zeroes the restarts of an app, by name, by id or all, and leaves it running', async () => {
  const [a] = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '--name', 'a']);
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'b']);
  await crash('a', 1);
  await crash('a', 2);
  await crash('b', 1);

  const [reset] = await hive.json<App[]>(['reset', 'a']);
  assert.deepEqual([reset!.name, reset!.restarts, reset!.status], ['a', 0, 'online']);
  assert.equal((await describe('b')).restarts, 1, 'another app keeps its count');
  // a's second replacement starts after a restart delay: the table is read once it is up.
  await waitFor(async () => (await describe('a')).processes.some((p) => p.role === 'worker'), "a's process");
  const table = await hive.run(['ls']);
  assert.match(table.stdout, /^0\s+a\s+fork\s+1\/1\s+online\s+0\s/m);

  // Counted again from 0.
  await crash('a', 1);
  const byId = await hive.json<App[]>(['reset', String(a!.id)]);
  assert.deepEqual(
    byId.map((app) => [app.name, app.restarts]),
    [['a', 0]],
  );
  await crash('a', 1);
  const all = await hive.json<App[]>(['reset', 'all']);
  assert.deepEqual(
    all.map((app) => [app.name, app.restarts, app.status]),
    [
      ['a', 0, 'online'],
      ['b', 0, 'online'],
    ],
  );
});

test("hive reset zeroes a cluster app's restarts but not its crash-loop count: the next crash over it errors it", async () => {
  // Every crash counts in a row (minUptime an hour); the third is over maxRestarts.
  const app = {
    name: 'c',
    script: appFixture,
    exec_mode: 'cluster',
    instances: 1,
    max_restarts: 2,
    min_uptime: 3_600_000,
  };
  const file = hive.writeConfig([app], 'ecosystem.config.cjs');
  const [started] = await hive.json<App[]>(['start', file]);
  assert.equal(started!.mode, 'cluster');
  await crash('c', 1);
  await crash('c', 2);
  const [reset] = await hive.json<App[]>(['reset', 'c']);
  assert.deepEqual([reset!.restarts, reset!.status], [0, 'online']);

  // Had the reset cleared the primary's count too, this crash would be restarted (restarts 1, online).
  const worker = await waitFor(
    async () => (await describe('c')).processes.find((p) => p.role === 'worker')?.pid,
    "c's new worker",
  );
  process.kill(worker, 'SIGKILL');
  const errored = await waitFor(async () => {
    const found = await describe('c');
    return found.status === 'errored' ? found : undefined;
  }, 'c errored');
  assert.match(errored.lastError ?? '', /worker 0 crash-looped/);
  assert.equal(errored.restarts, 0, 'not restarted after the reset');
});

test("hive reset zeroes a cluster app's per-slot restarts that hive monit and the dashboard show", async () => {
  // The snapshot `hive monit` and the dashboard read: a cluster app's per-slot counts come from its primary.
  const source = daemonSnapshotSource({ paths: hivePaths({ HIVE_HOME: hive.home }) });
  const slotRestarts = async () => {
    const app = (await source.snapshot()).apps.find((a) => a.name === 'm');
    return app?.instances.map((i) => i.restarts) ?? [];
  };
  await hive.json(['start', appFixture, '-i', '2', '--name', 'm']);
  await crash('m', 1);
  await crash('m', 2);
  await waitFor(
    async () => (await slotRestarts()).reduce((a, b) => a + b, 0) === 2,
    "the primary's count of m's 2 restarts",
  );

  const [reset] = await hive.json<App[]>(['reset', 'm']);
  assert.deepEqual([reset!.restarts, reset!.status], [0, 'online']);
  // Answered once the primary has reset: no wait.
  assert.deepEqual(await slotRestarts(), [0, 0]);

  // Counted again from 0.
  await crash('m', 1);
  await waitFor(async () => (await slotRestarts()).reduce((a, b) => a + b, 0) === 1, "m's next restart in a snapshot");
  await hive.json(['delete', 'm']);
});

test('hive reset of no app, or with no target, is a typed error', async () => {
  const unknown = await hive.run(['reset', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^hive reset: ERR_HIVE_APP_NOT_FOUND: no app named or numbered "nope"/m);
  const missing = await hive.run(['reset']);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'hive reset: ERR_HIVE_INVALID_ARGUMENT: missing argument; see hive reset --help\n');
});
