import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { forceKillText } from '../../src/cli/commands/kill.js';
import { freePort } from '../cluster/helpers.js';
import { appFixture, HiveHome, tempHome, waitFor } from './helpers.js';
import { homeProcesses } from './home-processes.js';

const hive = tempHome();

test('hive kill --force: a daemon that no longer answers is killed, and its apps drain and stop on their own', async () => {
  const port = await freePort();
  await hive.json(['start', appFixture, '--name', 'f', '-i', '2', '--port', String(port)]);
  const daemon = await hive.daemonPid();
  assert.ok(daemon);
  // In flight across the kill: the primary's own graceful stop must let it finish.
  const slow = request(`http://127.0.0.1:${port}/slow?ms=2000`).then(
    async (response) => ({ status: response.statusCode, body: await response.body.text() }),
    (error: Error) => ({ status: 0, body: error.message }),
  );
  await waitFor(() => /slow request received/.test(hive.readLog('f-out.log')), 'the slow request to arrive');
  // Hung: it accepts on its socket but runs nothing, so a plain `hive kill` could only wait.
  process.kill(daemon, 'SIGSTOP');

  const killed = await hive.run(['kill', '--force', '--json']);
  assert.equal(killed.code, 0, killed.stderr);
  const report = JSON.parse(killed.stdout.trim().split('\n').at(-1)!) as {
    killed: boolean;
    pid: number;
    primaries: number[];
    left: number[];
  };
  assert.equal(report.killed, true);
  assert.equal(report.pid, daemon);
  assert.equal(report.primaries.length, 1, 'the one app primary was found');
  assert.deepEqual(report.left, []);
  const reply = await slow;
  assert.equal(reply.status, 200, `the request in flight got ${reply.status}: ${reply.body}`);
  // Nothing of this HIVE_HOME is left: no daemon, no primary, no worker.
  await waitFor(() => homeProcesses(hive.home).length === 0, 'every process of the home to exit', 10_000);

  // The next command starts a fresh daemon over the dead one's socket and lock.
  assert.deepEqual(await hive.json(['ls']), []);
  const fresh = await hive.daemonPid();
  assert.ok(fresh !== undefined && fresh !== daemon);
});

test('hive kill --force with no daemon says so and exits 0', async () => {
  const other = new HiveHome();
  try {
    const result = await other.run(['kill', '--force']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /no daemon running/);
  } finally {
    await other.cleanup();
  }
});

// One app's primary was "1 app primary stopped on their own", and one pid left "pid 4242, ..." read as several.
test('hive kill --force in text says one primary in the singular', async () => {
  const other = new HiveHome();
  try {
    await other.json(['start', appFixture, '--name', 'one', '-i', '1', '--port', String(await freePort())]);
    const daemon = await other.daemonPid();
    assert.ok(daemon);
    process.kill(daemon, 'SIGSTOP');
    const result = await other.run(['kill', '--force']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `daemon (pid ${daemon}) killed; 1 app primary stopped on its own\n`);
  } finally {
    await other.cleanup();
  }
});

test('hive kill --force text: counts and pids agree in number', () => {
  assert.equal(forceKillText(7, 2, [], 60_000), 'daemon (pid 7) killed; 2 app primaries stopped on their own\n');
  assert.equal(forceKillText(7, 0, [], 60_000), 'daemon (pid 7) killed; 0 app primaries stopped on their own\n');
  assert.equal(
    forceKillText(7, 1, [42], 60_000),
    'daemon (pid 7) killed; 1 app primary stopped on its own\nstill running after 60 s: pid 42\n',
  );
  assert.match(forceKillText(7, 0, [42, 43], 60_000), /still running after 60 s: pids 42, 43\n$/);
});
