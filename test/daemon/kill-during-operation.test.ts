import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { appFixture, startWithRequestInFlight, tempHome, waitFor } from './helpers.js';
import { connectTo, homeProcesses, waitForApp } from './home-processes.js';

const hive = tempHome();

test('kill during a start that waits for a slow app stops it at once, not after the start', async () => {
  await hive.json(['ls']);
  const client = await connectTo(hive.home);
  // With --wait-ready the fixture (which never calls ready()) keeps its start waiting for the whole listen timeout.
  const slow = {
    name: 'slow',
    script: appFixture,
    cwd: hive.home,
    runArgs: [appFixture, '--instances=1', '--wait-ready', '--listen-timeout=10m', '--'],
    env: {},
    instances: '1',
  };
  const started = client.request('start', { app: slow }).then(
    () => 'started',
    (error: Error) => error.message,
  );
  await waitFor(() => /\[slow:0\] listening/.test(hive.readLog('slow-out.log')), 'the worker to listen');
  assert.equal((await hive.json<{ status: string }>(['describe', 'slow'])).status, 'starting');
  for (const pid of homeProcesses(hive.home)) hive.pids.add(pid);

  // The bound only detects a kill that waits for the start (the listen timeout, 10 minutes).
  const killed = await hive.run(['kill']);
  assert.equal(killed.code, 0, killed.stderr);
  assert.notEqual(await started, 'started');
  await waitFor(() => homeProcesses(hive.home).length === 0, 'every process of the home to exit', 15_000);
  client.close();
});

test('hive start cut short by hive kill says the daemon is shutting down, not that the app exited', async () => {
  // The start waits for ready() until the kill, however slow the box (see the test above).
  const started = hive.run([
    'start',
    appFixture,
    '--name',
    'cut',
    '--instances=1',
    '--wait-ready',
    '--listen-timeout=10m',
  ]);
  await waitFor(() => /\[cut:0\] listening/.test(hive.readLog('cut-out.log')), 'the worker to listen');
  for (const pid of homeProcesses(hive.home)) hive.pids.add(pid);
  const killed = await hive.run(['kill']);
  assert.equal(killed.code, 0, killed.stderr);
  const result = await started;
  assert.equal(result.code, 1, result.stdout);
  // Before the fix: `app "cut": did not start: exited with code 0`, the primary's graceful stop taken for the cause.
  assert.match(result.stderr, /ERR_HIVE_APP_OPERATION: app "cut": not done: the daemon is shutting down/);
  await waitFor(() => homeProcesses(hive.home).length === 0, 'every process of the home to exit', 15_000);
});

test('a start of an app that the daemon is shutting down is refused, and the daemon still exits', async () => {
  // The kill timeout outlasts any wait below: the drain ends when the test opens the gate, not at a bound. In flight
  // until the gate file exists: the shutdown waits for its drain, and the start below arrives meanwhile.
  const { port, gate, reply: slow } = await startWithRequestInFlight(hive, 'busy');
  for (const pid of homeProcesses(hive.home)) hive.pids.add(pid);
  const client = await connectTo(hive.home);
  try {
    const killed = hive.run(['kill']);
    await waitForApp(client, 'busy', (app) => app.status === 'stopping', 'the app to be stopping');
    const spec = {
      name: 'busy',
      script: appFixture,
      cwd: hive.home,
      runArgs: [appFixture, '--instances=1', `--port=${port}`, '--'],
      env: {},
      instances: '1',
    };
    const started = await client.request('start', { app: spec }).then(
      () => 'started',
      (error: Error & { code?: string }) => error.code ?? error.message,
    );
    assert.notEqual(started, 'started');
    writeFileSync(gate, '');
    // Before the fix the start retried on the removed app forever, starving the daemon's exit.
    assert.equal((await killed).code, 0);
    await slow;
    await waitFor(() => homeProcesses(hive.home).length === 0, 'every process of the home to exit', 15_000);
  } finally {
    writeFileSync(gate, '');
    client.close();
  }
});
