// `hive startup`'s unit was Type=oneshot with RemainAfterExit=yes and no Restart=: a daemon killed by kill -9 or the
// OOM killer left every app down while systemd said the unit was active. Now, as PM2's unit: Type=forking on the
// daemon's pid file (daemon.pid, a plain pid the daemon writes), Restart=on-failure, ExecReload. Without
// ExecStop=`hive kill`, which after `hive update` (the old daemon exits 0) killed the NEW daemon and its apps: a stop
// is systemd's SIGTERM to the daemon alone (KillMode=mixed), which stops the apps gracefully, as `hive kill` does.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { daemonFixture, isAlive, tempHome, waitFor } from '../daemon/helpers.js';

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
  assert.deepEqual(keys('ExecStop'), [], 'no `hive kill`: after `hive update` it would kill the new daemon');
  assert.deepEqual(keys('KillMode'), ['KillMode=mixed']);
  // No dump yet: the stop bound of an app of the default kill timeout (30 s), plus the daemon's 10 s.
  assert.deepEqual(keys('TimeoutStopSec'), ['TimeoutStopSec=40']);
});

// The unit raised open files only; PM2's also raises the per-user count of processes and threads (LimitNPROC), which
// is the kernel's threads-max / 2 under systemd: a few thousand on a small VM, for every app worker's dozen threads.
test("the unit raises open files and processes as PM2's does, and leaves core dumps at systemd's soft 0", async () => {
  const { unit } = await hive.json<Startup>(['startup']);
  const keys = (key: string) => unit.split('\n').filter((line) => line.startsWith(`${key}=`));
  assert.deepEqual(keys('LimitNOFILE'), ['LimitNOFILE=infinity']);
  assert.deepEqual(keys('LimitNPROC'), ['LimitNPROC=infinity']);
  // Not PM2's LimitCORE=infinity: a crash loop would write a core of the whole heap (and env secrets) each restart.
  assert.deepEqual(keys('LimitCORE'), []);
});

test("TimeoutStopSec covers the saved apps' kill timeouts, and the install stops the daemon running now", async () => {
  const app = { name: 'slow', script: daemonFixture('ticker.sh'), interpreter: 'none', kill_timeout: 60_000 };
  const file = hive.writeConfig([app], 'slow.config.js');
  await hive.json(['start', file]);
  await hive.json(['save']);
  const { unit, install } = await hive.json<Startup>(['startup']);
  // The daemon waits 2 x 60 s + 10 s for the app's drain and its tree's (stop-timeout.ts), then 10 s for itself.
  assert.match(unit, /^TimeoutStopSec=140$/m);
  // A daemon started outside the unit makes its start fail (systemd refuses its pid file): stopped first.
  assert.ok(install.includes(`&& HIVE_HOME=${hive.home} hive kill && sudo systemctl enable --now hive-`), install);
  await hive.run(['kill']);
});

// The unit had systemd's default 90 s start bound, while its `hive resurrect` starts the saved apps one after another,
// each waiting out its first try: nine apps that cannot listen before their database is up (10 s listen timeout each)
// would pass it, systemd kill the unit, and Restart= start the same again, at each boot.
test('the start is not bounded by systemd: resurrect bounds each app by its own timeouts', async () => {
  const apps = Array.from({ length: 9 }, (_, i) => ({
    name: `needs-db-${i}`,
    script: daemonFixture('ticker.sh'),
    cwd: hive.dir,
    runArgs: [daemonFixture('ticker.sh'), '--instances=1', '--listen-timeout=10000', '--'],
    env: {},
    instances: '1',
  }));
  const home = join(hive.dir, 'needs-db');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(join(home, 'dump.json'), JSON.stringify({ version: 1, apps }));
  const { unit } = await hive.json<Startup>(['startup'], { env: { HIVE_HOME: home } });
  const keys = (key: string) => unit.split('\n').filter((line) => line.startsWith(`${key}=`));
  assert.deepEqual(keys('TimeoutStartSec'), ['TimeoutStartSec=infinity']);
});

// `hive startup` read dump.json alone, and quietly: one it could not read gave the default TimeoutStopSec (40 s) even
// where the backup the unit's resurrect falls back to holds an app of a 1 h kill timeout, whose drain systemd then cut.
test('TimeoutStopSec comes from the dump as resurrect reads it, from its backup too, and an unreadable one is said', async () => {
  const home = join(hive.dir, 'damaged');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const dump = join(home, 'dump.json');
  const script = daemonFixture('ticker.sh');
  const app = { name: 'long', script, cwd: hive.dir, runArgs: [script, '--kill-timeout=3600000', '--'], env: {} };
  writeFileSync(`${dump}.bak`, JSON.stringify({ version: 1, apps: [{ ...app, instances: '1' }] }));
  writeFileSync(dump, '{"version": 1, "apps": [');
  const startup = async () => {
    const result = await hive.run(['startup'], { env: { HIVE_HOME: home } });
    assert.equal(result.code, 0, result.stderr);
    const [stop] = result.stdout.split('\n').filter((line) => line.startsWith('TimeoutStopSec='));
    return { stop, stderr: result.stderr };
  };

  const fromBackup = await startup();
  // 2 x 1 h + 10 s for the app's drain and its tree's (stop-timeout.ts), then 10 s for the daemon.
  assert.equal(fromBackup.stop, 'TimeoutStopSec=7220');
  assert.equal(
    fromBackup.stderr,
    `hive startup: warning: the unit's resurrect would read the backup: ${dump} is not a dump it can read: not JSON (${jsonError('{"version": 1, "apps": [')}); resurrecting ${dump}.bak, the dump before the last save, instead\n`,
  );

  writeFileSync(`${dump}.bak`, 'nope');
  const neither = await startup();
  assert.equal(neither.stop, 'TimeoutStopSec=40');
  assert.match(
    neither.stderr,
    /^hive startup: warning: .+dump\.json is not a dump `hive resurrect` can read: not JSON .+; nor is its backup .+dump\.json\.bak .+: not JSON .+; the unit is written for apps of the default timeouts \(TimeoutStopSec\), which the saved apps may outlast: run `hive startup` again once the dump can be read\n$/,
  );

  // Removed: the saved apps are forgotten, the backup is not read, and there is nothing to say.
  rmSync(dump);
  assert.deepEqual(await startup(), { stop: 'TimeoutStopSec=40', stderr: '' });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('valid JSON');
}

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
  // And with the daemon's settings carried as Environment= lines: a cron line's spaces, an IPv6 zone's `%`.
  const settings = {
    HIVE_LOG_ROTATE_INTERVAL: '0 0 * * *',
    HIVE_DAEMON_METRICS_PORT: '0',
    HIVE_DAEMON_METRICS_HOST: 'fe80::1%lo',
  };
  for (const env of [{}, settings]) {
    const { unit, file } = await hive.json<Startup>(['startup'], { env });
    const dir = join(hive.dir, 'unit');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, file.slice(file.lastIndexOf('/') + 1));
    writeFileSync(path, unit);
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
    const own = result.stderr.split('\n').filter((line) => line.includes(path.slice(path.lastIndexOf('/') + 1)));
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(own, [], result.stderr);
  }
});

const daemonEntry = new URL('../../dist/daemon/main.js', import.meta.url).pathname;

test("SIGTERM to the daemon (systemd's stop) stops every app gracefully, removes daemon.pid and exits 0", async () => {
  mkdirSync(hive.home, { recursive: true, mode: 0o700 });
  // daemon.pid's temporary file was daemon.pid.<pid>.tmp, opened plainly: a symlink planted there was written through.
  const victim = join(hive.dir, 'victim');
  writeFileSync(victim, 'untouched\n');
  // exec: the daemon keeps the shell's pid, the one the planted name has.
  const script = 'ln -s "$1" "$2.$$.tmp" && exec "$3" "$4"';
  const daemon = spawn('/bin/sh', ['-c', script, 'sh', victim, pidFile, process.execPath, daemonEntry], {
    cwd: hive.home,
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: 'ignore',
  });
  hive.pids.add(daemon.pid!);
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
  await waitFor(() => existsSync(join(hive.home, 'daemon.sock')), 'the daemon listening');
  assert.equal(readFileSync(pidFile, 'utf8'), `${daemon.pid}\n`);
  assert.equal(readFileSync(victim, 'utf8'), 'untouched\n', 'the pid file was not written through a symlink');

  const app = { name: 'clean', script: daemonFixture('sigint-cleanup.mjs'), exec_mode: 'fork' };
  const file = hive.writeConfig([app], 'clean.config.js');
  const [started] = await hive.json<AppInfo[]>(['start', file]);
  const worker = started!.processes.find((p) => p.role === 'worker')!.pid;
  const out = () => hive.readLog('clean-out.log');
  await waitFor(() => out().includes(`up ${worker}`), 'the app up');
  assert.equal(hive.pids.has(daemon.pid!), true);

  daemon.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(isAlive(worker), false, "the app's process stopped with the daemon");
  assert.ok(out().includes(`cleanup ${worker}`), `the app's own stop ran: ${out()}`);
  assert.equal(existsSync(pidFile), false);
  assert.equal(existsSync(join(hive.home, 'daemon.sock')), false);
});
