// PM2's `pm2 pid api`: the pids of the app's processes, one per line, for scripts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

interface App {
  id: number;
  processes: { role: string; pid: number }[];
}
const workers = (app: App) => app.processes.filter((p) => p.role === 'worker').map((p) => p.pid);

test('hive pid prints the pids of an app, or of every app, one per line', async () => {
  const none = await hive.run(['pid']);
  assert.deepEqual([none.code, none.stdout], [0, ''], 'no daemon: no pid, and no daemon started');
  assert.equal(await hive.daemonPid(), undefined);

  const [a] = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '--name', 'a', '-i', '2']);
  const [b] = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '--name', 'b']);
  const lines = async (args: string[]) => {
    const result = await hive.run(['pid', ...args]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trimEnd().split('\n').map(Number);
  };
  assert.deepEqual((await lines(['a'])).sort(), workers(a!).sort());
  assert.deepEqual(await lines([String(b!.id)]), workers(b!));
  assert.deepEqual((await lines([])).sort(), [...workers(a!), ...workers(b!)].sort());
  assert.deepEqual((await hive.json<number[]>(['pid', 'all'])).sort(), [...workers(a!), ...workers(b!)].sort());

  await hive.json(['stop', 'b']);
  const stopped = await hive.run(['pid', 'b']);
  assert.deepEqual([stopped.code, stopped.stdout], [0, ''], 'a stopped app has no pid');
  assert.deepEqual(await hive.json(['pid', 'b']), []);
});

test('hive pid of no app is ERR_HIVE_APP_NOT_FOUND', async () => {
  const result = await hive.run(['pid', 'nope']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^hive pid: ERR_HIVE_APP_NOT_FOUND: no app named or numbered "nope"/m);
  const extra = await hive.run(['pid', 'a', 'b']);
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /ERR_HIVE_INVALID_ARGUMENT: unexpected argument "b"/);
});
