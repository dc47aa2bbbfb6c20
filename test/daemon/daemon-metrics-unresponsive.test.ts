import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockLoop, freePort, killAll, unblockLoop } from '../cluster/helpers.js';
import { type Described, probe, startBlockedLoopApp, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test("the daemon's /readyz says degraded while some of an app's ready workers are unresponsive, 503 once all are", async () => {
  // The first command starts the daemon, with its metrics endpoint.
  const first = await hive.run(['ls'], { env: { HIVE_DAEMON_METRICS_PORT: '0' } });
  assert.equal(first.code, 0, first.stderr);
  const port = await freePort();
  await startBlockedLoopApp(hive, port, ['--kill-timeout', '1s', '--memory-report-interval', '200ms'], 2);
  try {
    const { daemonMetrics } = await hive.json<{ daemonMetrics: string | null }>(['version']);
    const healthz = daemonMetrics!.replace(/\/metrics$/, '/healthz');
    const readyz = daemonMetrics!.replace(/\/metrics$/, '/readyz');
    const workers = (await hive.json<Described>(['describe', 'api'])).processes
      .filter((p) => p.role === 'worker')
      .map((p) => p.pid);
    assert.equal(workers.length, 2);
    assert.deepEqual(await probe(readyz), { status: 200, body: 'ready\n' });
    assert.deepEqual(await probe(healthz), { status: 200, body: 'ok\n' });

    blockLoop(workers[0]!);
    const some = await waitFor(async () => {
      const got = await probe(readyz);
      return got.body === 'ready\n' ? undefined : got;
    }, 'the daemon /readyz to see the first worker unresponsive');
    assert.deepEqual(some, {
      status: 200,
      body: 'degraded: api: 1 of 2 ready workers unresponsive (event loop blocked)\n',
    });

    blockLoop(workers[1]!);
    const all = await waitFor(async () => {
      const got = await probe(readyz);
      return got.status === 503 ? got : undefined;
    }, 'the daemon /readyz to fail with every worker unresponsive');
    assert.equal(all.body, 'unresponsive: api: 2 of 2 ready workers unresponsive (event loop blocked)\n');
    // The daemon itself is alive: its liveness probe says so, with what it knows.
    assert.deepEqual(await probe(healthz), {
      status: 200,
      body: 'degraded: api: 2 of 2 ready workers unresponsive (event loop blocked)\n',
    });

    for (const pid of workers) unblockLoop(pid);
    await waitFor(async () => (await probe(readyz)).body === 'ready\n', 'the daemon /readyz ready again');
  } finally {
    await killAll();
  }
});
