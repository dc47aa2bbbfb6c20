// A config file's app takes over only the app of that name the daemon got from the same file. PM2 restarts its own
// api when another project's ecosystem file names an app `api`; Hive used to replace it with the other file's app
// (a fork-mode worker in place of the clustered production API), at `start`, `restart`, `startOrReload` and `reload`.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();
type App = { id: number; name: string; status: string; script: string; processes: { pid: number }[] };

function project(folder: string, script: string, file = 'ecosystem.config.js'): string {
  const dir = join(hive.dir, folder);
  mkdirSync(dir, { recursive: true });
  copyFileSync(daemonFixture('ticker.sh'), join(dir, script));
  const config = join(dir, file);
  const apps = [{ name: 'api', script, interpreter: 'none' }];
  writeFileSync(config, `module.exports = ${JSON.stringify({ apps })};\n`);
  return config;
}

const svc = project('svc', 'server.sh');
const other = project('other', 'worker.sh', 'collide.config.js');
const api = async () => (await hive.json<App[]>(['ls'])).find((app) => app.name === 'api')!;

test("another project's config file naming a running app is refused, naming the app and both files", async () => {
  const [first] = await hive.json<App[]>(['start', svc]);
  for (const command of ['start', 'restart', 'startOrReload', 'startOrRestart', 'reload']) {
    const result = await hive.run([command, other]);
    assert.equal(result.code, 1, `${command}: ${result.stdout}`);
    assert.match(result.stderr, /ERR_HIVE_APP_NAME_TAKEN/, command);
    assert.ok(result.stderr.includes(svc) && result.stderr.includes(other), result.stderr);
    assert.match(result.stderr, /hive delete api/);
    const now = await api();
    assert.deepEqual([now.id, now.status, now.script], [first!.id, 'online', 'server.sh'], command);
    assert.equal(now.processes[0]!.pid, first!.processes[0]!.pid, `${command} left api's process running`);
  }
});

test('the same file started or reloaded again still restarts or reloads its app', async () => {
  const before = await api();
  const [again] = await hive.json<App[]>(['start', svc]);
  assert.equal(again!.id, before.id);
  assert.notEqual(again!.processes[0]!.pid, before.processes[0]!.pid);
  const [reloaded] = await hive.json<App[]>(['startOrReload', svc]);
  assert.equal(reloaded!.id, before.id);
});

test('a stopped app of another file is not replaced either, and one deleted first is', async () => {
  await hive.json(['stop', 'api']);
  const refused = await hive.run(['start', other]);
  assert.match(refused.stderr, /ERR_HIVE_APP_NAME_TAKEN/);
  assert.equal((await api()).status, 'stopped');
  await hive.json(['delete', 'api']);
  const [replaced] = await hive.json<App[]>(['start', other]);
  assert.deepEqual([replaced!.script, replaced!.status], ['worker.sh', 'online']);
  await hive.json(['delete', 'api']);
});

test('an app started from a script is taken over by a config file of the same script only', async () => {
  const script = join(hive.dir, 'svc', 'server.sh');
  await hive.json(['start', script, '--name', 'api', '--interpreter', 'none'], { cwd: join(hive.dir, 'svc') });
  const refused = await hive.run(['start', other]);
  assert.match(refused.stderr, /ERR_HIVE_APP_NAME_TAKEN/);
  assert.ok(refused.stderr.includes(script), refused.stderr);
  const [adopted] = await hive.json<App[]>(['start', svc]);
  assert.equal(adopted!.status, 'online');
  await hive.json(['delete', 'api']);
});

test('the origin survives save and resurrect, and a symlinked folder counts as the path it was named by', async () => {
  const current = join(hive.dir, 'current');
  symlinkSync(join(hive.dir, 'svc'), current);
  // As a shell sets it after `cd current`: the deploy idiom `cd current && hive startOrReload ecosystem.config.js`.
  await hive.json(['start', 'ecosystem.config.js'], { cwd: current, env: { PWD: current } });
  await hive.json(['save']);
  await hive.run(['kill']);
  await hive.json(['resurrect']);
  const refused = await hive.run(['start', other]);
  assert.match(refused.stderr, /ERR_HIVE_APP_NAME_TAKEN/);
  assert.ok(refused.stderr.includes(join(current, 'ecosystem.config.js')), refused.stderr);
  const [again] = await hive.json<App[]>(['startOrReload', 'ecosystem.config.js'], {
    cwd: current,
    env: { PWD: current },
  });
  assert.equal(again!.status, 'online');
});
