// PM2's `pm2 jlist` and `pm2 prettylist`, which monitoring scripts parse: one element per process (each worker of a
// cluster app, a fork-mode app's program) in PM2's shape, never the apps' environments; `[]` with no daemon running.
// `hive jlist` was `hive ls --json`, Hive's shape (one element per app, no pm_id, no pm2_env), which such scripts
// could not read.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Pm2Process } from '../../dist/cli/pm2-process-list.js';
import { freePort, repliesByInstance } from '../cluster/helpers.js';
import { appFixture, daemonFixture, isAlive, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

const SECRET = 'jlist-secret-7d3e';

async function jlist(): Promise<Pm2Process[]> {
  const result = await hive.run(['jlist']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  // One JSON array on one line, and nothing else.
  assert.equal(result.stdout.split('\n').length, 2, result.stdout);
  const list = JSON.parse(result.stdout) as Pm2Process[];
  // pid 0 is a row with no process: cleanup's kill of it would signal the test runner's whole process group.
  for (const process of list) if (process.pid > 0) hive.pids.add(process.pid);
  return list;
}

// The list once `check` holds for it, read again until then.
function listWhen(check: (list: Pm2Process[]) => boolean, what: string): Promise<Pm2Process[]> {
  return waitFor(async () => {
    const list = await jlist();
    return check(list) ? list : undefined;
  }, what);
}

const allOnline = (count: number) => (list: Pm2Process[]) =>
  list.length === count && list.every((p) => p.pm2_env.status === 'online' && p.pid > 0);

test('no daemon running: jlist and prettylist print [] and exit 0, and start none', async () => {
  for (const command of ['jlist', 'prettylist']) {
    const result = await hive.run([command]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '[]\n', command);
    assert.equal(result.stderr, '');
  }
  assert.equal(await hive.daemonPid(), undefined);
});

test("a cluster app's workers and a fork-mode app's program, in PM2's shape, without the environment", async () => {
  const port = await freePort();
  // The version is read from the package.json nearest each script, as PM2 reads it: one with a version, one without.
  const web = join(hive.dir, 'web');
  mkdirSync(web);
  copyFileSync(appFixture, join(web, 'app.js'));
  writeFileSync(join(web, 'package.json'), JSON.stringify({ type: 'module', version: '1.2.3' }));
  const tick = join(hive.dir, 'tick');
  mkdirSync(tick);
  copyFileSync(daemonFixture('ticker.sh'), join(tick, 'ticker.sh'));
  writeFileSync(join(tick, 'package.json'), '{}');
  const secret = `SECRET=${SECRET}`;
  const webArgs = ['-i', '2', '--port', String(port), '--env', secret, '--node-args=--no-warnings', '--', 'a1'];
  await hive.json(['start', join(web, 'app.js'), '--name', 'web', ...webArgs]);
  await hive.json(['start', join(tick, 'ticker.sh'), '--name', 'tick', '--env', secret]);

  const list = await listWhen(allOnline(3), 'three processes online');
  // pm_id as each process has it in process.env.pm_id (cluster/pm-id.ts): app 0's instances 0 and 2, app 1's 1.
  assert.deepEqual(
    list.map((p) => [p.name, p.pm2_env.NODE_APP_INSTANCE, p.pm_id]),
    [
      ['web', 0, 0],
      ['web', 1, 2],
      ['tick', 0, 1],
    ],
  );
  for (const p of list) {
    assert.deepEqual(Object.keys(p), ['pid', 'name', 'pm2_env', 'pm_id', 'monit']);
    assert.deepEqual(Object.keys(p.pm2_env).sort(), [...pm2EnvKeys, ...hiveEnvKeys].sort());
    assert.equal(p.pm2_env.pm_id, p.pm_id);
    assert.equal(p.pm2_env.name, p.name);
    assert.ok(isAlive(p.pid), `${p.name} ${p.pid} alive`);
    assert.equal(typeof p.monit.memory, 'number');
    assert.equal(typeof p.monit.cpu, 'number');
    assert.equal(p.pm2_env.restart_time, 0);
    assert.equal(p.pm2_env.unstable_restarts, 0);
    assert.equal(p.pm2_env.namespace, 'default');
    assert.ok(p.pm2_env.pm_uptime > 0 && p.pm2_env.pm_uptime <= Date.now(), 'pm_uptime an epoch ms');
    assert.ok(p.pm2_env.created_at > 0 && p.pm2_env.created_at <= p.pm2_env.pm_uptime, 'created_at before it');
    assert.equal(p.pm2_env.watch, false);
    assert.equal(p.pm2_env.autorestart, true);
    assert.equal(p.pm2_env.versioning, null);
    assert.equal(p.pm2_env.primary_unresponsive, false);
    assert.equal(p.pm2_env.reload_failed, false);
  }
  const [web0, web1, ticker] = list as [Pm2Process, Pm2Process, Pm2Process];
  assert.deepEqual(
    [web0.pm2_env.exec_mode, web0.pm2_env.instances, web0.pm2_env.exec_interpreter, web0.pm2_env.version],
    ['cluster_mode', 2, 'node', '1.2.3'],
  );
  assert.equal(web0.pm2_env.pm_exec_path, join(web, 'app.js'));
  assert.deepEqual(web0.pm2_env.node_args, ['--no-warnings']);
  assert.deepEqual(web0.pm2_env.args, ['a1']);
  assert.deepEqual(
    [ticker.pm2_env.exec_mode, ticker.pm2_env.instances, ticker.pm2_env.exec_interpreter, ticker.pm2_env.version],
    ['fork_mode', 1, 'none', 'N/A'],
  );
  assert.equal(ticker.pm2_env.pm_exec_path, join(tick, 'ticker.sh'));
  assert.equal(ticker.pm2_env.pm_out_log_path, join(hive.home, 'logs', 'tick-out.log'));

  // Each worker's pm_id is the one it was given.
  const replies = await repliesByInstance(port, 2);
  assert.deepEqual(
    [web0, web1].map((p) => [p.pid, String(p.pm_id)]),
    ['0', '1'].map((instance) => [replies.get(instance)?.pid, replies.get(instance)?.pmId]),
  );

  // Neither the value nor the name of a variable the apps were started with, in either form.
  for (const command of ['jlist', 'prettylist']) {
    const { stdout } = await hive.run([command]);
    assert.ok(!stdout.includes(SECRET) && !stdout.includes('SECRET'), `${command} leaks the environment`);
    assert.ok(!/"env"/.test(stdout), `${command} has an env key`);
  }

  // A worker killed: its slot's restart_time counts it, under the same pm_id; the other's does not move.
  process.kill(web1.pid, 'SIGKILL');
  const restarted = await listWhen(
    (l) => allOnline(3)(l) && l[1]!.pid !== web1.pid && l[1]!.pm2_env.restart_time === 1,
    'the killed worker replaced',
  );
  assert.deepEqual(
    restarted.map((p) => [p.pm_id, p.pm2_env.restart_time]),
    [
      [0, 0],
      [2, 1],
      [1, 0],
    ],
  );
  assert.ok(isAlive(restarted[1]!.pid));
  process.kill(restarted[1]!.pid, 'SIGKILL');
  await listWhen((l) => allOnline(3)(l) && l[1]!.pm2_env.restart_time === 2, 'restart_time 2');
  // A fork-mode program's too.
  process.kill(ticker.pid, 'SIGKILL');
  const forkRestarted = await listWhen(
    (l) => allOnline(3)(l) && l[2]!.pid !== ticker.pid && l[2]!.pm2_env.restart_time === 1,
    'the killed program replaced',
  );
  assert.deepEqual(
    forkRestarted.map((p) => p.pm2_env.restart_time),
    [0, 2, 1],
  );
  await hive.json(['reset', 'all']);
  assert.deepEqual(
    (await jlist()).map((p) => p.pm2_env.restart_time),
    [0, 0, 0],
  );

  // prettylist: the same list, indented.
  const pretty = await hive.run(['prettylist']);
  assert.equal(pretty.code, 0, pretty.stderr);
  assert.match(pretty.stdout, /^\[\n {2}\{\n {4}"pid": \d+,\n {4}"name": "web",\n {4}"pm2_env": \{\n/);
  assert.deepEqual(
    (JSON.parse(pretty.stdout) as Pm2Process[]).map((p) => [p.name, p.pm_id, p.pid]),
    (await jlist()).map((p) => [p.name, p.pm_id, p.pid]),
  );

  // A stopped app keeps its rows, as in PM2: pid 0, stopped.
  await hive.json(['stop', 'tick']);
  const stopped = (await jlist()).find((p) => p.name === 'tick')!;
  assert.deepEqual([stopped.pid, stopped.pm_id, stopped.pm2_env.status], [0, 1, 'stopped']);
  assert.deepEqual(stopped.monit, { memory: 0, cpu: 0 });
});

test('an argument is refused with exit 2, naming the command', async () => {
  const result = await hive.run(['jlist', 'web']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^hive jlist: ERR_HIVE_INVALID_ARGUMENT: unexpected argument "web"/m);
  assert.equal(result.stdout, '');
});

// PM2's own key names (lib/God.js, lib/API.js), every one the list carries.
const pm2EnvKeys = [
  'name',
  'namespace',
  'pm_id',
  'status',
  'pm_uptime',
  'created_at',
  'restart_time',
  'unstable_restarts',
  'exec_mode',
  'instances',
  'NODE_APP_INSTANCE',
  'pm_exec_path',
  'pm_cwd',
  'exec_interpreter',
  'node_args',
  'args',
  'pm_out_log_path',
  'pm_err_log_path',
  'version',
  'watch',
  'autorestart',
  'versioning',
];
// Hive's own, after PM2's (a PM2 pm2_env carries an app's options beside its own keys).
const hiveEnvKeys = ['primary_unresponsive', 'reload_failed'];
