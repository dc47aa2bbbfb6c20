// `hive startup`'s unit was Type=oneshot with RemainAfterExit=yes and no Restart=: a daemon killed by kill -9 or the
// OOM killer left every app down while systemd said the unit was active. Now, as PM2's unit: Type=forking on the
// daemon's pid file (daemon.pid, a plain pid the daemon writes), Restart=on-failure, ExecReload.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();
type Startup = { unit: string; file: string; install: string };
const pidFile = join(hive.home, 'daemon.pid');

test('the unit supervises the daemon: forking on its pid file, restarted on failure, reloadable', async () => {
  const { unit } = await hive.json<Startup>(['startup']);
  const keys = (key: string) => unit.split('\n').filter((line) => line.startsWith(`${key}=`));
  assert.deepEqual(keys('Type'), ['Type=forking']);
  assert.deepEqual(keys('PIDFile'), [`PIDFile=${pidFile}`]);
  assert.deepEqual(keys('Restart'), ['Restart=on-failure']);
  assert.deepEqual(keys('RemainAfterExit'), []);
  assert.match(unit, /^ExecStart=".+" ".+hive\.js" resurrect$/m);
  assert.match(unit, /^ExecReload=".+" ".+hive\.js" reload all$/m);
  assert.match(unit, /^ExecStop=".+" ".+hive\.js" kill$/m);
});

test('the daemon writes its pid to that file while it runs, and removes it as it exits', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'ticker']);
  const pid = await hive.daemonPid();
  assert.ok(pid);
  assert.equal(readFileSync(pidFile, 'utf8'), `${pid}\n`);
  await hive.run(['kill']);
  await waitFor(() => !existsSync(pidFile), 'the pid file removed');
});

test('a HIVE_HOME other than ~/.hive gets a unit name of its own; the default home keeps hive-<user>', async () => {
  const other = await hive.json<Startup>(['startup']);
  assert.match(other.file, /^\/etc\/systemd\/system\/hive-[^/]+-[0-9a-f]{8}\.service$/);
  assert.ok(other.install.includes(other.file.slice('/etc/systemd/system/'.length)), other.install);
  assert.ok(other.unit.includes(`(HIVE_HOME ${hive.home})`), other.unit);
  const again = await hive.json<Startup>(['startup']);
  assert.equal(again.file, other.file, 'the same home, the same name');
  const plain = await hive.json<Startup>(['startup'], { env: { HIVE_HOME: '' } });
  assert.match(plain.file, /^\/etc\/systemd\/system\/hive-[^/-]+\.service$/);
  assert.doesNotMatch(plain.unit, /HIVE_HOME/);
});

const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;

test('systemd-analyze verify finds nothing wrong with the unit', {
  skip: !analyze && 'no systemd-analyze',
}, async () => {
  const { unit, file } = await hive.json<Startup>(['startup']);
  const dir = join(hive.dir, 'unit');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file.slice(file.lastIndexOf('/') + 1));
  writeFileSync(path, unit);
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
  const own = result.stderr.split('\n').filter((line) => line.includes(path.slice(path.lastIndexOf('/') + 1)));
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(own, [], result.stderr);
});
