// `hive start <name|id>` of an app the daemon has, as `pm2 start api` starts a stopped app by name: the app starts
// with its own options, not as a new fork-mode app running a program called `api`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

type App = { id: number; name: string; script: string; mode: string; status: string; ready: number; total: number };

test('hive start <name> or <id> of a stopped app starts it as it was', async () => {
  const [started] = await hive.json<App[]>(['start', appFixture, '-i', '2', '--name', 'api']);
  await hive.json(['stop', 'api']);
  const [byName] = await hive.json<App[]>(['start', 'api']);
  assert.deepEqual(
    [byName!.id, byName!.mode, byName!.script, byName!.status, byName!.ready, byName!.total],
    [started!.id, 'cluster', appFixture, 'online', 2, 2],
  );
  await hive.json(['stop', String(started!.id)]);
  const [byId] = await hive.json<App[]>(['start', String(started!.id)]);
  assert.deepEqual([byId!.name, byId!.mode, byId!.status, byId!.total], ['api', 'cluster', 'online', 2]);
  const listed = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    listed.map((app) => [app.name, app.mode, app.status]),
    [['api', 'cluster', 'online']],
  );
});

test('hive start <name|id>... starts each app, as pm2 start api worker; a target that is no app starts none', async () => {
  await hive.json(['start', appFixture, '-i', '1', '--name', 'one']);
  const [two] = await hive.json<App[]>(['start', appFixture, '-i', '1', '--name', 'two']);
  await hive.json(['stop', 'one', 'two']);
  const typo = await hive.run(['start', 'one', 'tow']);
  assert.equal(typo.code, 2, typo.stderr);
  assert.match(
    typo.stderr,
    /^hive start: ERR_HIVE_INVALID_ARGUMENT: several targets must each be an app .*"tow" is not/,
  );
  const stopped = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    stopped.filter((app) => app.name === 'one' || app.name === 'two').map((app) => app.status),
    ['stopped', 'stopped'],
    'the typo started nothing',
  );
  const started = await hive.json<App[]>(['start', 'one', String(two!.id)]);
  assert.deepEqual(
    started.map((app) => [app.name, app.status, app.ready]),
    [
      ['one', 'online', 1],
      ['two', 'online', 1],
    ],
  );
  await hive.json(['delete', 'one', 'two']);
});
