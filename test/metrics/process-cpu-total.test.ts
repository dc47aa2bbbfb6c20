// process_cpu_seconds_total counts a process's whole CPU time, what it used before its metrics reporter started (node's
// own start, the runtime's loading) included, as /proc does: that part was missing, and with it most of the CPU of a
// process that had just started.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';
import { request } from 'undici';
import { procStatFields } from '../../dist/cluster/proc-stat.js';
import { fixture, killAll, until } from '../cluster/helpers.js';
import { startWithMetrics } from './metrics-hive.js';
import { parsePrometheusText, sum } from './prometheus-text.js';

after(killAll);

async function cpuTotal(base: string): Promise<number> {
  const { statusCode, body } = await request(`${base}/metrics`, { reset: true });
  assert.equal(statusCode, 200);
  return sum(parsePrometheusText(await body.text()).samples, 'process_cpu_seconds_total', { slot: '0' });
}

test('process_cpu_seconds_total holds at least the CPU /proc counted before a later report', {
  skip: !existsSync('/proc/self/stat'),
}, async () => {
  const { hive, base } = await startWithMetrics(fixture('app.js'), 1);
  const pid = hive.readyPids().get(0)!;
  await until(async () => (await cpuTotal(base)) > 0, 'a first report');
  // The process's CPU so far (user + system ticks, at most what it used), then a report sent after that reading.
  const fields = procStatFields(pid)!;
  const procSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
  const before = await cpuTotal(base);
  let after = before;
  await until(async () => {
    after = await cpuTotal(base);
    return after > before;
  }, 'a later report');
  assert.ok(after >= procSeconds, `counted ${after} s, /proc said ${procSeconds} s before`);
});
