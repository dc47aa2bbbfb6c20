import assert from 'node:assert/strict';
import { type ChildProcessByStdio, fork } from 'node:child_process';
import type { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { request } from 'undici';
import { fixture, freePort, hiveBin, isEvent, killAll, outputOf, startHive, until } from './helpers.js';

after(killAll);

// Every process crashes after it listened, until each slot is errored: a container's entrypoint used to stay up with
// no process at all, its /healthz saying 200, so that nothing (Docker's restart policy, Kubernetes' liveness probe)
// ever restarted it.
const crashLoop = async (extra: string[]) => {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '2', '--port', String(port), '--max-restarts', '2', '--metrics-port', '0'];
  args.push('--exp-backoff-restart-delay', '20ms', '--min-uptime', '30s', ...extra);
  return startHive(args, { CRASH_AFTER_MS: '300' });
};

const healthz = async (url: string) => {
  const { statusCode, body } = await request(`${url}/healthz`, { reset: true });
  await body.text();
  return statusCode;
};

test('a foreground hive run whose every slot is errored exits 1, after saying so', async () => {
  const hive = await crashLoop([]);
  await until(() => hive.child.exitCode !== null, 'the primary exits');
  const { code } = await hive.exited;
  assert.equal(code, 1);
  assert.equal(hive.records.filter(isEvent('errored')).length, 2);
  const fatal = hive.records.filter(isEvent('fatal'));
  assert.equal(fatal.length, 1);
  assert.equal(fatal[0]!.code, 'ERR_HIVE_APP_ERRORED');
  assert.deepEqual(fatal[0]!.instances, [0, 1]);
  // The summary follows what it sums up: each slot's errored event, with its last stderr lines.
  assert.ok(hive.records.indexOf(fatal[0]!) > hive.records.findLastIndex(isEvent('errored')));
});

test('--no-exit-on-error keeps the primary up, its /healthz failing; SIGTERM then stops it with 0', async () => {
  const hive = await crashLoop(['--no-exit-on-error']);
  const { url } = (await hive.waitFor(isEvent('metrics'), 'metrics')) as unknown as { url: string };
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  assert.equal(await healthz(url), 200);
  await until(() => hive.records.filter(isEvent('errored')).length === 2, 'both slots errored');
  assert.equal(await healthz(url), 503);
  assert.equal(hive.child.exitCode, null, 'the primary stays up');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// An IPC channel is not the daemon: a `hive run` that a script or a dev tool forks (child_process.fork) used to be
// taken for one the daemon forked, and stayed up with nothing running.
test('a hive run forked with an IPC channel by anything but the daemon exits 1 too', async () => {
  const port = await freePort();
  const args = ['run', fixture('app.js'), '-i', '1', '--port', String(port), '--max-restarts', '2'];
  args.push('--exp-backoff-restart-delay', '20ms', '--min-uptime', '30s', '--log-format', 'json');
  const child = fork(hiveBin, args, {
    env: { ...process.env, CRASH_AFTER_MS: '300' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The bound only ends a run that never exits (the bug); the primary is SIGKILLed then.
  const { code, stdout } = await outputOf(child as ChildProcessByStdio<null, Readable, Readable>, 30_000);
  const fatal = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record.type === 'fatal');
  assert.deepEqual(
    fatal.map((record) => record.code),
    ['ERR_HIVE_APP_ERRORED'],
  );
  assert.equal(code, 1);
});
