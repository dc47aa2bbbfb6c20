// A stop, reload or scale whose retirement had to SIGKILL a process at killTimeout (its drain never ended: a request
// that never finishes) reported plain success: only daemon.log said "overran killTimeout". The command now says it on
// stderr, one line per app, and puts the count in its JSON (`killed`); its exit code stays 0.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { freePort } from '../cluster/helpers.js';
import { appFixture, daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();
// A file never created: the fixture app holds `/slow?gate=<it>` until the process is killed.
const never = join(hive.dir, 'never');
const warning = (command: string, app: string, count: string) =>
  new RegExp(
    `^hive ${command}: warning: app "${app}": ${count} SIGKILLed at killTimeout \\(1000 ms\\): \\S+ drains? did not ` +
      `finish; see \`hive logs ${app}\`$`,
    'm',
  );

// Requests received by instance `n` of `app` (its own log file: the app runs with --no-merge-logs).
const received = (app: string, n: number) =>
  (hive.readLog(`${app}-out-${n}.log`).match(/slow request received/g) ?? []).length;

/**
 * Opens requests to the app that it never answers, one at a time (each once the one before has arrived), until every
 * instance in `instances` has received one more: which process a connection reaches is the balancer's choice.
 */
async function holdRequests(app: string, port: number, instances: number[]): Promise<void> {
  const base = instances.map((n) => received(app, n));
  const total = () => instances.reduce((sum, n) => sum + received(app, n), 0);
  for (let sent = 0; !instances.every((n, i) => received(app, n) > base[i]!); sent++) {
    assert.ok(sent < 20, `20 requests reached only some of instances ${instances.join(', ')}`);
    const before = total();
    // Never answered: its socket is reset when the process is killed, which is all that ends it.
    const req = httpRequest({ host: '127.0.0.1', port, path: `/slow?gate=${encodeURIComponent(never)}`, agent: false });
    req.on('error', () => {});
    req.end();
    await waitFor(() => total() > before, 'the request to arrive');
  }
}

async function startHanging(name: string): Promise<number> {
  const port = await freePort();
  const args = ['start', appFixture, '--name', name, '-i', '1', '--port', String(port), '--kill-timeout', '1s'];
  await hive.json([...args, '--no-merge-logs']);
  return port;
}

test('hive reload: a process SIGKILLed at killTimeout is a warning on stderr, exit 0; none without one', async () => {
  const port = await startHanging('api');
  const quiet = await hive.run(['reload', 'api']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /SIGKILLed/, 'a reload whose drains ended says nothing');

  await holdRequests('api', port, [0]);
  const reload = await hive.run(['reload', 'api']);
  assert.equal(reload.code, 0, reload.stderr);
  assert.match(reload.stderr, warning('reload', 'api', '1 process'));
  assert.equal(reload.stderr.match(/SIGKILLed/g)?.length, 1, 'one line for the app');

  await holdRequests('api', port, [0]);
  const [json] = await hive.json<AppInfo[]>(['reload', 'api']);
  assert.equal(json!.killed, 1, 'the count is in the JSON');
  const [clean] = await hive.json<AppInfo[]>(['reload', 'api']);
  assert.equal(clean!.killed, undefined, 'absent when nothing was killed');
});

test('hive scale down: the retired slot held a request, so its process was SIGKILLed: a warning, exit 0', async () => {
  const port = await startHanging('sc');
  await hive.json(['scale', 'sc', '2']);
  // On both: whichever slot the scale retires is killed.
  await holdRequests('sc', port, [0, 1]);
  const scale = await hive.run(['scale', 'sc', '1']);
  assert.equal(scale.code, 0, scale.stderr);
  assert.match(scale.stderr, warning('scale', 'sc', '1 process'));
});

test('hive stop: the drain that never ended is a warning, the stop still succeeds', async () => {
  const port = await startHanging('st');
  await holdRequests('st', port, [0]);
  const stop = await hive.run(['stop', 'st']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stderr, warning('stop', 'st', '1 process'));
  const [quiet] = await hive.json<AppInfo[]>(['stop', 'st']);
  assert.equal(quiet!.killed, undefined, 'a stop of a stopped app killed nothing');
});

test('a fork-mode process that ignores its stop signal, SIGKILLed at killTimeout, is a warning too', async () => {
  await hive.json(['start', daemonFixture('ignores-term.sh'), '--name', 'deaf', '--kill-timeout', '1s']);
  await waitFor(() => /ignoring TERM/.test(hive.readLog('deaf-out.log')), 'the program to trap its signals');
  const stop = await hive.run(['stop', 'deaf']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stderr, warning('stop', 'deaf', '1 process'));
});
