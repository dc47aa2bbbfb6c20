// A config-file app whose script is not there is refused up front, as a missing script on the command line is: exit 2
// with ERR_HIVE_CONFIG naming the file, the app and the key, before the daemon is asked, and none of the file started.
// It used to reach the daemon: the other apps started and this one sat errored, exit 1.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('every command that starts a config file refuses an app with a missing script, and starts none of the file', async () => {
  const file = hive.writeConfig([
    { name: 'good', script: appFixture, instances: 1 },
    { name: 'bad', script: './missing.js', instances: 1 },
  ]);
  for (const command of ['start', 'startOrReload', 'startOrRestart', 'reload', 'restart']) {
    const result = await hive.run([command, file]);
    assert.equal(result.code, 2, `${command}: ${result.stderr}`);
    const line = result.stderr.split('\n')[0]!;
    assert.match(line, new RegExp(`^hive ${command}: ERR_HIVE_CONFIG: `), command);
    assert.ok(line.includes(`${file}: apps[1] (bad).script: `), line);
    assert.ok(line.includes(`${join(hive.dir, 'missing.js')} does not exist`), line);
  }
  assert.equal(await hive.daemonPid(), undefined, 'refused before the daemon was asked');

  // Only the apps picked are checked; a fork-mode app's bare name is a program on PATH, as PM2 takes it.
  hive.writeConfig([
    { name: 'good', script: appFixture, instances: 1, autostart: false },
    { name: 'tool', script: 'sleep', args: '60', autostart: false },
    { name: 'bad', script: './missing.js', instances: 1 },
  ]);
  const apps = await hive.json<{ name: string }[]>(['start', file, '--only', 'good,tool']);
  assert.deepEqual(
    apps.map((app) => app.name),
    ['good', 'tool'],
  );
});

// PM2 reads an app's paths from the folder it is run in when the app has no cwd; Hive from the file's folder. A file
// that PM2 ran from the project (`pm2 start deploy/ecosystem.config.js`) said only that the script does not exist.
test("a PM2 file's script found from the folder run in, not the file's, is refused with the cwd to set", async () => {
  const project = join(hive.dir, 'project');
  mkdirSync(join(project, 'deploy'), { recursive: true });
  mkdirSync(join(project, 'dist'));
  writeFileSync(join(project, 'dist', 'server.js'), '');
  const file = join(project, 'deploy', 'ecosystem.config.json');
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'api', script: 'dist/server.js' }] }));
  const result = await hive.run(['start', 'deploy/ecosystem.config.json'], { cwd: project });
  assert.equal(result.code, 2, result.stderr);
  const line = result.stderr.split('\n')[0]!;
  assert.ok(line.includes(`${file}: apps[0] (api).script: `), line);
  assert.ok(line.includes(`${join(project, 'deploy', 'dist', 'server.js')} does not exist`), line);
  assert.ok(line.includes(`PM2 reads them from the folder it is run in, ${project}`), line);
  assert.ok(line.includes('set `cwd: ".."` in the app'), line);
  // Run from the file's own folder, nothing more is said.
  const there = await hive.run(['start', file], { cwd: join(project, 'deploy') });
  assert.equal(there.code, 2, there.stderr);
  assert.ok(!there.stderr.includes('PM2 reads'), there.stderr);
});

// A process.json that is its one app (PM2's shape, 1025ef0) has no apps list: its key is named as the file has it,
// where `apps[0] (solo).script` sent the reader looking for an `apps` key.
test('a missing script of a file that is one app is named as the file has it, not apps[0]', async () => {
  const file = join(hive.dir, 'process.json');
  writeFileSync(file, JSON.stringify({ name: 'solo', script: './missing.js' }));
  const result = await hive.run(['start', file]);
  assert.equal(result.code, 2, result.stderr);
  const line = result.stderr.split('\n')[0]!;
  assert.ok(line.includes(`${file}: (solo).script: `), line);
  assert.equal((await hive.json<unknown[]>(['ls'])).length, 2, 'none of the file started');
  // With no name in the file, none in the key: not `(missing).script`, the name it would get from its script.
  writeFileSync(file, JSON.stringify({ script: './missing.js' }));
  const unnamed = await hive.run(['start', file]);
  assert.equal(unnamed.code, 2, unnamed.stderr);
  assert.ok(unnamed.stderr.startsWith(`hive start: ERR_HIVE_CONFIG: ${file}: script: `), unnamed.stderr);
});
