import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { request } from 'undici';
import { daemonFixture, type Described, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test("CPU: readers never cut each other's window (a busy process reads busy, however often /readyz is probed)", async () => {
  const env = { HIVE_DAEMON_METRICS_PORT: '0' };
  await hive.json(['start', daemonFixture('busy-loop.cjs'), '-x', '--name', 'busy'], { env });
  const { daemonMetrics } = await hive.json<{ daemonMetrics: string | null }>(['version']);
  const readyz = daemonMetrics!.replace(/\/metrics$/, '/readyz');
  await waitFor(async () => (await hive.json<Described>(['describe', 'busy'])).ready === 1, 'busy ready');

  // Each probe lists the apps: with a sample per read, `hive ls` right after one measured a window of a few ms.
  let probing = true;
  const probes = Array.from({ length: 4 }, async () => {
    while (probing) await (await request(readyz)).body.text();
  });
  const readings: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const [app] = await hive.json<Described[]>(['ls']);
      const worker = app!.processes.find((p) => p.role === 'worker')!;
      readings.push(worker.cpu!, app!.cpu!);
    }
  } finally {
    probing = false;
    await Promise.all(probes);
  }
  const ceiling = 100 * availableParallelism();
  assert.ok(
    readings.every((cpu) => cpu > 0 && cpu <= ceiling),
    `a process busy all the time read ${readings.join('% ')}% (each in (0, ${ceiling}])`,
  );
  await hive.json(['delete', 'busy']);
});
