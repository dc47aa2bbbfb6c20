// A `hive restart` whose stop was still draining when the daemon was told to go away (SIGTERM, `hive kill`) failed with
// `ERR_HIVE_APP_NOT_FOUND: no app named or numbered "g"; see hive ls`, for an app it had just been stopping.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startWithRequestInFlight, tempHome, waitFor } from './helpers.js';
import { connectTo, homeProcesses, waitForApp } from './home-processes.js';

const hive = tempHome();

test('a restart cut short by the daemon shutting down says so, starts nothing, and leaves no process', async () => {
  // In flight until the gate file exists: the restart's stop drains until then, however slow the box.
  const { gate, reply: slow } = await startWithRequestInFlight(hive, 'g');
  const daemonPid = (await hive.daemonPid())!;
  const client = await connectTo(hive.home);
  try {
    const restarted = hive.run(['restart', 'g']);
    await waitForApp(client, 'g', (app) => app.status === 'stopping', 'stopping');
    process.kill(daemonPid, 'SIGTERM');
    const daemonLog = () => readFileSync(join(hive.home, 'daemon.log'), 'utf8');
    await waitFor(() => daemonLog().includes('stopping every app'), 'the daemon to begin its shutdown');
    writeFileSync(gate, '');
    const result = await restarted;
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /ERR_HIVE_APP_OPERATION: app "g": not done: the daemon is shutting down/);
    await slow;
    await waitFor(() => homeProcesses(hive.home).length === 0, 'every process of the home to exit', 15_000);
    assert.equal(daemonLog().match(/g: primary pid \d+ started/g)?.length, 1, 'no primary started after the stop');
  } finally {
    writeFileSync(gate, '');
    client.close();
  }
});
