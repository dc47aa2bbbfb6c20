// PM2 parity for config files given again: `pm2 start ecosystem.config.js` while its apps run restarts them with the
// file's current options and starts the others; `pm2 restart|stop|delete ecosystem.config.js` act on the file's apps.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

type App = { id: number; name: string; status: string; processes: { pid: number }[] };
const probe = daemonFixture('env-probe.sh');
const fileName = 'ecosystem.config.js';
const file = join(hive.dir, fileName);
const lines = () => hive.readLog('probe-out.log').match(/explicit=\S*/g) ?? [];

function writeConfig(explicit: string, names: string[]): void {
  const apps = names.map((name) => ({ name, script: probe, interpreter: 'none', env: { EXPLICIT: explicit } }));
  hive.writeConfig(apps, fileName);
}

const statuses = async () =>
  Object.fromEntries((await hive.json<App[]>(['ls'])).map((app) => [app.name, app.status] as const));

test('hive start <config> again restarts its running apps with the file as it is now, and starts the new ones', async () => {
  writeConfig('one', ['probe']);
  const [first] = await hive.json<App[]>(['start', file]);
  await waitFor(() => lines().length === 1, 'the first start');
  writeConfig('two', ['probe', 'probe2']);
  const again = await hive.json<App[]>(['start', file]);
  assert.deepEqual(
    again.map((app) => [app.name, app.status]),
    [
      ['probe', 'online'],
      ['probe2', 'online'],
    ],
  );
  assert.equal(again[0]!.id, first!.id, 'the same app, restarted');
  assert.notEqual(again[0]!.processes[0]!.pid, first!.processes[0]!.pid);
  await waitFor(() => lines().length === 2, 'the restart');
  assert.deepEqual(lines(), ['explicit=one', 'explicit=two']);
});

test('hive stop, restart and delete <config> act on the file apps only', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'other']);
  const stopped = await hive.json<App[]>(['stop', file]);
  assert.deepEqual(
    stopped.map((app) => [app.name, app.status]),
    [
      ['probe', 'stopped'],
      ['probe2', 'stopped'],
    ],
  );
  assert.deepEqual(await statuses(), { probe: 'stopped', probe2: 'stopped', other: 'online' });
  const restarted = await hive.json<App[]>(['restart', file]);
  assert.deepEqual(
    restarted.map((app) => [app.name, app.status]),
    [
      ['probe', 'online'],
      ['probe2', 'online'],
    ],
  );
  // An app of the file the daemon does not have is skipped, as PM2 skips it.
  writeConfig('two', ['probe', 'probe2', 'absent']);
  const deleted = await hive.run(['delete', file]);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.deepEqual(await statuses(), { other: 'online' });
  const none = await hive.run(['stop', file]);
  assert.equal(none.code, 1, none.stdout);
  assert.match(none.stderr, /ERR_HIVE_APP_NOT_FOUND/);
});

test('an app named like a config file that is not there is still a name to stop, restart and delete', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'jobs.json']);
  for (const [command, status] of [
    ['stop', 'stopped'],
    ['restart', 'online'],
  ] as const) {
    const [app] = await hive.json<App[]>([command, 'jobs.json']);
    assert.deepEqual([app!.name, app!.status], ['jobs.json', status]);
  }
  await hive.json(['delete', 'jobs.json']);
  assert.deepEqual(await statuses(), { other: 'online' });
});
