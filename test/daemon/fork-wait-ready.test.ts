// PM2 parity: a fork-mode process has an IPC channel, as in PM2, so `process.send('ready')` works (it threw a
// TypeError: no channel), `wait_ready` holds the start until the app sends it, and `listen_timeout` fails a process not
// ready in time as in cluster mode: a start fails, a reload aborts, a restart counts as a crash. `shutdown_with_message`
// sends the app PM2's 'shutdown' message in place of the stop signal.
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { daemonFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const daemonLog = () => readOrEmpty(join(hive.home, 'daemon.log'));
const describe = (name: string) => hive.json<App>(['describe', name]);
const pidOf = (app: App) => app.processes.find((p) => p.role === 'worker')?.pid;

/** Writes an ecosystem file of one fork-mode app running the PM2 fixture, and returns its path. */
function config(name: string, app: Record<string, unknown>): string {
  const entry = { name, script: daemonFixture('pm2-ready.cjs'), exec_mode: 'fork', ...app };
  return hive.writeConfig([entry], `${name}.config.js`);
}

test("wait_ready: hive start returns once the fork-mode app sent process.send('ready'), not at its spawn", async () => {
  const gate = join(hive.dir, 'warm-gate');
  const starting = hive.run(['start', config('warm', { wait_ready: true, env: { READY_GATE: gate } })]);
  let returned = false;
  void starting.then(() => {
    returned = true;
  });
  await waitFor(() => /waiting \d+/.test(hive.readLog('warm-out.log')), 'the app to wait on its gate');
  const waiting = await describe('warm');
  assert.deepEqual([waiting.status, waiting.ready], ['starting', 0]);
  assert.equal(returned, false, 'hive start returned before the app was ready');
  writeFileSync(gate, '');
  const started = await starting;
  assert.equal(started.code, 0, started.stderr);
  const online = await describe('warm');
  assert.deepEqual([online.status, online.ready], ['online', 1]);
  assert.match(hive.readLog('warm-out.log'), new RegExp(`sent ${pidOf(online)}`));
});

test("without wait_ready, process.send('ready') works (an IPC channel) and the app is ready once spawned", async () => {
  const started = await hive.run(['start', config('plain', {})]);
  assert.equal(started.code, 0, started.stderr);
  const pid = pidOf(await describe('plain'));
  await waitFor(() => hive.readLog('plain-out.log').includes(`sent ${pid}`), 'the app to send ready');
  const app = await describe('plain');
  assert.deepEqual([app.status, app.ready, app.restarts, pidOf(app)], ['online', 1, 0, pid]);
  assert.doesNotMatch(hive.readLog('plain-error.log'), /TypeError/);
});

test('wait_ready: a fork-mode process not ready within listen_timeout fails the start', async () => {
  const never = join(hive.dir, 'no-such-gate');
  const file = config('late', { wait_ready: true, listen_timeout: 300, env: { READY_GATE: never } });
  const started = await hive.run(['start', file]);
  assert.notEqual(started.code, 0, started.stdout);
  assert.match(
    started.stderr,
    /did not become ready: did not send process\.send\('ready'\) \(or call ready\(\)\) within 300 ms/,
  );
  const app = await describe('late');
  assert.equal(app.status, 'errored');
  assert.equal(existsSync(never), false);
});

test('wait_ready: a reload whose new process is not ready aborts, a restart not ready is a crash, a scale up fails', async () => {
  const gate = join(hive.dir, 'slot-gate');
  writeFileSync(gate, '');
  // Each of the reload, the two restarts and the scale below waits out the listen timeout: 1.5 s, ample for a start
  // whose gate is open (a process ready in a few tens of ms).
  const file = config('slot', { wait_ready: true, listen_timeout: 1500, env: { READY_GATE: gate } });
  const started = await hive.run(['start', file]);
  assert.equal(started.code, 0, started.stderr);

  rmSync(gate);
  const reload = await hive.run(['reload', 'slot']);
  assert.notEqual(reload.code, 0, reload.stdout);
  assert.match(reload.stderr, /ERR_HIVE_RELOAD_ABORTED: app "slot": reload failed: Reload aborted at worker 0/);
  // Its old process is gone already (plain processes are replaced one at a time): the slot restarts as after a
  // crash, and a restart not ready in time is one more crash.
  await waitFor(() => /slot: restarting worker 0 in \d+ ms \(attempt 2\)/.test(daemonLog()), 'a second crash restart');
  assert.match(daemonLog(), /slot: warning: Worker 0 did not become ready/);

  const scale = await hive.run(['scale', 'slot', '2']);
  assert.notEqual(scale.code, 0, scale.stdout);
  assert.match(scale.stderr, /Worker 1 did not become ready/);
  assert.equal((await describe('slot')).total, 1);

  writeFileSync(gate, '');
  await waitFor(async () => (await describe('slot')).ready === 1, 'the slot ready again once its gate is open');
  assert.equal((await describe('slot')).status, 'online');
});

test("shutdown_with_message: a fork-mode app gets PM2's 'shutdown' message at a restart, not the signal", async () => {
  const started = await hive.run(['start', config('msg', { shutdown_with_message: true })]);
  assert.equal(started.code, 0, started.stderr);
  assert.doesNotMatch(started.stderr, /shutdown_with_message/);
  const pid = pidOf(await describe('msg'));
  // Its handlers are set once it says sent.
  await waitFor(() => hive.readLog('msg-out.log').includes(`sent ${pid}`), 'the app up');
  const restarted = await hive.run(['restart', 'msg']);
  assert.equal(restarted.code, 0, restarted.stderr);
  await waitFor(() => hive.readLog('msg-out.log').includes(`shutdown message ${pid}`), 'the shutdown message');
  assert.doesNotMatch(hive.readLog('msg-out.log'), new RegExp(`sigint ${pid}`));
  assert.match(daemonLog(), new RegExp(`msg: worker 0 \\(pid ${pid}\\) exited with code 0\\n`));
});

test("shutdown_with_message: the 'shutdown' message runs a fork-mode app's onShutdown hooks, and it exits", async () => {
  const entry = { name: 'hooks', script: daemonFixture('runtime-hooks-message.mjs'), exec_mode: 'fork' };
  const file = hive.writeConfig([{ ...entry, shutdown_with_message: true, kill_timeout: 20_000 }], 'hooks.config.js');
  const started = await hive.run(['start', file]);
  assert.equal(started.code, 0, started.stderr);
  const pid = pidOf(await describe('hooks'));
  await waitFor(() => hive.readLog('hooks-out.log').includes(`up ${pid}`), 'the app up');
  const stopped = await hive.run(['stop', 'hooks']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(hive.readLog('hooks-out.log'), new RegExp(`hook ran ${pid}`));
  // Ended by the runtime once its hooks ran, not SIGKILLed at kill_timeout (the stop would have taken 20 s).
  assert.match(daemonLog(), new RegExp(`hooks: worker 0 \\(pid ${pid}\\) exited with code 0\\n`));
  assert.doesNotMatch(daemonLog(), /hooks: .*killTimeout/);
});

test('wait_ready: ready() of hive/runtime readies a fork-mode process too', async () => {
  const entry = { name: 'rt', script: daemonFixture('runtime-ready.mjs'), exec_mode: 'fork', wait_ready: true };
  const file = hive.writeConfig([{ ...entry, listen_timeout: 5000 }], 'rt.config.js');
  const started = await hive.run(['start', file]);
  assert.equal(started.code, 0, started.stderr);
  const app = await describe('rt');
  assert.deepEqual([app.status, app.ready], ['online', 1]);
  await hive.json(['delete', 'rt']);
});
