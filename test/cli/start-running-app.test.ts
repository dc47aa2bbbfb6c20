// `hive start <name|id>` of a running app restarts it, as `pm2 start api` does (restartExistingProcessName), rather
// than refusing it with ERR_HIVE_APP_EXISTS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

type App = {
  id: number;
  name: string;
  script: string;
  mode: string;
  status: string;
  total: number;
  processes: { pid: number }[];
};

test('hive start <name> or <id> of a running app restarts it with its own options', async () => {
  const [started] = await hive.json<App[]>(['start', appFixture, '-i', '1', '--name', 'api']);
  const [byName] = await hive.json<App[]>(['start', 'api']);
  assert.deepEqual(
    [byName!.id, byName!.name, byName!.mode, byName!.script, byName!.status, byName!.total],
    [started!.id, 'api', 'cluster', appFixture, 'online', 1],
  );
  assert.notDeepEqual(
    byName!.processes.map((p) => p.pid),
    started!.processes.map((p) => p.pid),
  );
  const [byId] = await hive.json<App[]>(['start', String(started!.id)]);
  assert.deepEqual([byId!.id, byId!.name, byId!.status], [started!.id, 'api', 'online']);
  assert.notDeepEqual(
    byId!.processes.map((p) => p.pid),
    byName!.processes.map((p) => p.pid),
  );
  const listed = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    listed.map((app) => [app.name, app.status]),
    [['api', 'online']],
  );
});
