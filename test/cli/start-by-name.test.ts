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
