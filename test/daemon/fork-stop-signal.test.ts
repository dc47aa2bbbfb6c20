// PM2 parity: a fork-mode process is stopped with SIGINT, as PM2 stops it, so that an app's own
// `process.on('SIGINT')` cleanup runs at every retirement (it was SIGTERM: the handler never ran).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { daemonFixture, isAlive, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const daemonLog = () => readOrEmpty(join(hive.home, 'daemon.log'));
const pidOf = (app: App) => app.processes.find((p) => p.role === 'worker')?.pid;

test("a fork-mode app's SIGINT handler runs at a restart, a reload, a scale down and a stop", async () => {
  const app = { name: 'clean', script: daemonFixture('sigint-cleanup.mjs'), exec_mode: 'fork', instances: 2 };
  const file = hive.writeConfig([app], 'ecosystem.config.js');
  const started = await hive.run(['start', file]);
  assert.equal(started.code, 0, started.stderr);
  const out = () => hive.readLog('clean-out.log');
  const cleaned = (pid: number) => waitFor(() => out().includes(`cleanup ${pid}`), `the cleanup of ${pid}`);

  for (const command of [
    ['restart', 'clean'],
    ['reload', 'clean'],
    ['scale', 'clean', '1'],
    ['stop', 'clean'],
  ]) {
    const workers = async () =>
      (await hive.json<App>(['describe', 'clean'])).processes.filter((p) => p.role === 'worker');
    const before = await workers();
    assert.ok(before.length > 0);
    // Its handler is set before it says so: a SIGINT earlier would end it by the signal.
    for (const { pid } of before) await waitFor(() => out().includes(`up ${pid}`), `${pid} up`);
    const done = await hive.run(command);
    assert.equal(done.code, 0, done.stderr);
    const left = (await workers()).map((p) => p.pid);
    const retired = before.filter((p) => !left.includes(p.pid));
    assert.equal(retired.length, command[0] === 'scale' ? 1 : before.length, command.join(' '));
    for (const { pid } of retired) await cleaned(pid);
  }
  // Each handler exited 0 itself: an expected exit, not a crash.
  assert.doesNotMatch(daemonLog(), /clean: worker \d+ \(pid \d+\) exited with signal/);
  assert.doesNotMatch(daemonLog(), /clean: .*\(crash\)|clean: restarting worker/);
});

test('a fork-mode process with no SIGINT handler dies of the stop signal, an expected exit, not a crash', async () => {
  // stop_exit_codes and autorestart concern exits of the app's own: a stopped process is left to the stop.
  const apps = [
    { name: 'bare', script: daemonFixture('no-handler.mjs'), exec_mode: 'fork', stop_exit_codes: [0] },
    { name: 'job', script: daemonFixture('no-handler.mjs'), exec_mode: 'fork', autorestart: false },
  ];
  const file = hive.writeConfig(apps, 'bare.config.js');
  const started = await hive.run(['start', file]);
  assert.equal(started.code, 0, started.stderr);
  for (const name of ['bare', 'job']) {
    const first = pidOf(await hive.json<App>(['describe', name]));
    await waitFor(() => hive.readLog(`${name}-out.log`).includes(`up ${first}`), `${name} up`);
    await hive.json(['restart', name]);
    const info = await hive.json<App>(['describe', name]);
    assert.equal(info.status, 'online', name);
    const second = pidOf(info);
    assert.ok(second !== undefined && second !== first, `${name} runs a new process`);
    await waitFor(() => daemonLog().includes(`${name}: worker 0 (pid ${first}) exited with signal SIGINT\n`), 'exit');
    await hive.json(['stop', name]);
    await waitFor(() => daemonLog().includes(`${name}: worker 0 (pid ${second}) exited with signal SIGINT\n`), 'stop');
    assert.equal((await hive.json<App>(['describe', name])).status, 'stopped', name);
  }
  assert.doesNotMatch(daemonLog(), /(bare|job): .*(\(crash\)|not restarted|restarting worker)/);
});

test("kill_signal (PM2's) picks the stop signal of a fork-mode app: SIGTERM's handler runs, SIGINT's does not", async () => {
  const entry = {
    name: 'term',
    script: daemonFixture('sigterm-cleanup.mjs'),
    exec_mode: 'fork',
    kill_signal: 'SIGTERM',
  };
  const file = hive.writeConfig([entry], 'term.config.js');
  const [app] = await hive.json<App[]>(['start', file]);
  const pid = pidOf(app!);
  await waitFor(() => hive.readLog('term-out.log').includes(`up ${pid}`), 'the app up');
  await hive.json(['stop', 'term']);
  const log = hive.readLog('term-out.log');
  assert.match(log, new RegExp(`graceful ${pid}`));
  assert.doesNotMatch(log, /quick/);
  await hive.json(['delete', 'term']);
});

// A cluster worker's overrun is said (`overran killTimeout; SIGKILL sent`, the `killed` event); a fork-mode process's
// SIGKILL at kill_timeout was silent, its exit by SIGKILL left without a reason.
test('a fork-mode process still running at kill_timeout is SIGKILLed, and the overrun is reported before its exit', async () => {
  const entry = { name: 'deaf', script: daemonFixture('ignores-term.sh'), interpreter: 'none', kill_timeout: 500 };
  const file = hive.writeConfig([entry], 'deaf.config.js');
  const [app] = await hive.json<App[]>(['start', file]);
  const pid = pidOf(app!)!;
  await waitFor(() => hive.readLog('deaf-out.log').includes('ignoring TERM'), 'the app up');
  const stopped = await hive.json<App[]>(['stop', 'deaf']);
  assert.equal(stopped[0]?.status, 'stopped');
  assert.equal(isAlive(pid), false);
  const lines = daemonLog()
    .split('\n')
    .filter((line) => line.includes(`deaf: worker 0 (pid ${pid})`))
    .map((line) => line.slice(line.indexOf('deaf: ')));
  assert.deepEqual(lines, [
    `deaf: worker 0 (pid ${pid}) overran killTimeout; SIGKILL sent`,
    `deaf: worker 0 (pid ${pid}) exited with signal SIGKILL`,
  ]);
  await hive.json(['delete', 'deaf']);
});
