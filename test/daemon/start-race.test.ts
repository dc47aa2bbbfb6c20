import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pidLockHolder } from '../../dist/cluster/pid-lock.js';
import { daemonFixture, isAlive, tempHome, waitFor } from './helpers.js';
import { homeProcesses } from './home-processes.js';

const hive = tempHome();

// Holds each daemon between finding the socket stale and deleting it, so that the daemons the commands start all
// get there before one binds: without the daemon lock, each then deletes the socket of the one before.
const slowUnlink = {
  NODE_OPTIONS: `--import=${new URL('../fixtures/slow-socket-unlink.mjs', import.meta.url).pathname}`,
};

/** Live daemon processes of `home`: those of its processes whose command line names the daemon's entry. */
function daemonProcesses(home: string): number[] {
  return homeProcesses(home).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('daemon/main.js');
    } catch {
      return false; // exited since the scan
    }
  });
}

test('commands run at once over a SIGKILLed daemon start one daemon, and all of them reach it', async () => {
  await hive.json(['ls']);
  const killed = await hive.daemonPid();
  assert.ok(killed);
  process.kill(killed, 'SIGKILL');
  await waitFor(() => !isAlive(killed), 'the SIGKILLed daemon to go');
  assert.ok(existsSync(join(hive.home, 'daemon.sock')), 'a SIGKILLed daemon leaves its socket file');

  const results = await Promise.all([
    hive.run(['start', daemonFixture('ticker.sh'), '--name', 'a', '--json'], { env: slowUnlink }),
    hive.run(['start', daemonFixture('ticker.sh'), '--name', 'b', '--json'], { env: slowUnlink }),
    hive.run(['ls', '--json'], { env: slowUnlink }),
    hive.run(['ls', '--json'], { env: slowUnlink }),
  ]);
  for (const pid of daemonProcesses(hive.home)) hive.pids.add(pid);
  for (const result of results) assert.equal(result.code, 0, result.stderr);

  // The daemons that lost exit on their own; one that bound a socket of its own never would (a hang, then a failure).
  const survivors = await waitFor(() => {
    const pids = daemonProcesses(hive.home);
    for (const pid of pids) hive.pids.add(pid);
    return pids.length === 1 ? pids : undefined;
  }, 'every daemon but one to exit');
  const daemon = await hive.daemonPid();
  assert.deepEqual(survivors, [daemon]);
  assert.equal(pidLockHolder(join(hive.home, 'daemon.lock')), daemon);
  // Both apps were started on the daemon that answers, none on an orphan.
  const apps = await hive.json<{ name: string }[]>(['ls']);
  assert.deepEqual(apps.map((app) => app.name).sort(), ['a', 'b']);
});
