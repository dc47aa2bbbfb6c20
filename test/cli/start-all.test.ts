// `hive start all`, as `pm2 start all`: every app the daemon has starts, or restarts if it runs, rather than a start
// of a program called `all` (which was "no program all on PATH", exit 2).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { appFixture, HiveHome } from '../daemon/helpers.js';

const hive = new HiveHome();
const empty = new HiveHome();
after(() => Promise.all([hive.cleanup(), empty.cleanup()]));

type App = { id: number; name: string; script: string; status: string; processes: { pid: number }[] };
const pids = (app: App) => app.processes.map((p) => p.pid);

test('hive start all starts the stopped apps and restarts the running ones', async () => {
  const [a] = await hive.json<App[]>(['start', appFixture, '-i', '1', '--name', 'a']);
  await hive.json(['start', appFixture, '-i', '1', '--name', 'b']);
  await hive.json(['stop', 'b']);
  const started = await hive.json<App[]>(['start', 'all']);
  assert.deepEqual(
    started.map((app) => [app.name, app.script, app.status]),
    [
      ['a', appFixture, 'online'],
      ['b', appFixture, 'online'],
    ],
  );
  assert.notDeepEqual(pids(started[0]!), pids(a!), 'the running app was restarted');
  const refused = await hive.run(['start', 'all', '--port', '4000']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /--port would change an app's options/);
});

test('hive start all with no daemon starts nothing, and no daemon', async () => {
  assert.deepEqual(await empty.json(['start', 'all']), []);
  assert.equal(await empty.daemonPid(), undefined);
});
