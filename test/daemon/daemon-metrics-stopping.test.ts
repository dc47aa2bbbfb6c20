import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { appsHung } from '../../dist/daemon/daemon-metrics.js';
import { blockLoop, freePort, killAll } from '../cluster/helpers.js';
import { type Described, probe, startBlockedLoopApp, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test("the daemon's /readyz leaves out an app being stopped, whatever its workers' and primary's marks", async () => {
  // The first command starts the daemon, with its metrics endpoint.
  const first = await hive.run(['ls'], { env: { HIVE_DAEMON_METRICS_PORT: '0' } });
  assert.equal(first.code, 0, first.stderr);
  const port = await freePort();
  const flags = ['--kill-timeout', '1s', '--memory-report-interval', '200ms'];
  const { primary, worker } = await startBlockedLoopApp(hive, port, flags);
  try {
    const { daemonMetrics } = await hive.json<{ daemonMetrics: string | null }>(['version']);
    const readyz = daemonMetrics!.replace(/\/metrics$/, '/readyz');
    blockLoop(worker);
    await waitFor(async () => (await probe(readyz)).status === 503, 'the daemon /readyz to fail with its worker hung');
    // Frozen, the primary sends no more events: the daemon's table keeps the worker ready and marked, and a stop waits
    // (10 s) for the primary's answer before it kills the tree. Meanwhile the app is `stopping`.
    process.kill(primary, 'SIGSTOP');
    await waitFor(
      async () => (await hive.json<Described[]>(['ls']))[0]!.primaryUnresponsive,
      'the primary marked unresponsive too',
      60_000,
    );
    const stop = hive.run(['stop', 'api']);
    const stopping = await waitFor(async () => {
      const [app] = await hive.json<Described[]>(['ls']);
      return app!.status === 'stopping' ? app : undefined;
    }, 'the app to be stopping');
    assert.equal(stopping.unresponsive, 1, 'the worker is still marked');
    assert.equal(stopping.primaryUnresponsive, true, 'and so is the primary');
    // Someone asked for the stop: the app is not a reason for the daemon not to be ready (it was not, before).
    assert.deepEqual(await probe(readyz), { status: 200, body: 'ready\n' });
    assert.equal((await hive.json<Described[]>(['ls']))[0]!.status, 'stopping', 'probed while stopping');
    // The stop's 10 s wait and kill of a frozen tree is unresponsive-primary.test.ts's: thawed, the primary answers and
    // ends the stop itself (its blocked worker SIGKILLed after the 1 s kill timeout).
    process.kill(primary, 'SIGCONT');
    const stopped = await stop;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.deepEqual(await probe(readyz), { status: 200, body: 'ready\n' });
  } finally {
    if (isAlive(primary)) process.kill(primary, 'SIGCONT');
    await killAll();
  }
});

test('appsHung: apps meant to run, with their primary mark; stopping and stopped ones left out', () => {
  const app = { ready: 2, unresponsive: 2, primaryUnresponsive: true };
  assert.deepEqual(
    appsHung([
      { name: 'a', status: 'online', ...app },
      { name: 'b', status: 'reloading', ready: 1 },
      { name: 'c', status: 'stopping', ...app },
      { name: 'd', status: 'stopped', ...app },
    ]),
    [
      { app: 'a', ready: 2, unresponsive: 2, primaryUnresponsive: true },
      { app: 'b', ready: 1, unresponsive: 0, primaryUnresponsive: false },
    ],
  );
});
