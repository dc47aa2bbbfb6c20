// A fork-mode app under the daemon's metrics endpoint: a slot keeps its counters while it has no process (waiting to
// restart after a crash) and after a scale-down removed it, as a primary's slots do; they never vanish or go down.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import type { Sample } from '../metrics/prometheus-text.js';
import { scrape } from '../metrics/scrape.js';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const value = (samples: Sample[], name: string, slot: string) =>
  samples.find((s) => s.name === name && s.labels.app === 'tick' && s.labels.slot === slot)?.value;

test("a fork-mode slot's counters stay while it has no process, and after a scale-down removed it", async () => {
  const env = { HIVE_DAEMON_METRICS_PORT: '0' };
  // A long restart delay: the killed slot stays without a process for the whole test.
  await hive.json(['start', daemonFixture('ticker.sh'), '-i', '2', '--name', 'tick', '--restart-delay', '5m'], { env });
  const { daemonMetrics: url } = await hive.json<{ daemonMetrics: string }>(['version']);
  const before = await waitFor(async () => {
    const samples = await scrape(url, '');
    return ['0', '1'].every((slot) => value(samples, 'process_cpu_seconds_total', slot) !== undefined)
      ? samples
      : undefined;
  }, 'both slots counted');
  const cpu0 = value(before, 'process_cpu_seconds_total', '0')!;

  const [tick] = (await hive.json<App[]>(['ls'])).filter((a) => a.name === 'tick');
  const pid0 = tick!.processes.find((p) => p.role === 'worker' && p.instance === 0)!.pid;
  process.kill(pid0, 'SIGKILL');
  const down = await waitFor(async () => {
    const samples = await scrape(url, '');
    return value(samples, 'hive_restarts_total', '0') === 1 ? samples : undefined;
  }, 'the crash of slot 0 counted');
  assert.ok((value(down, 'process_cpu_seconds_total', '0') ?? -1) >= cpu0, 'slot 0 keeps its CPU counter');
  assert.equal(value(down, 'process_resident_memory_bytes', '0'), undefined, 'no memory gauge without a process');
  assert.ok(value(down, 'process_resident_memory_bytes', '1') !== undefined);

  // Scale-down removes the slot left down first (slot 0): its counters stay.
  await hive.json(['scale', 'tick', '1']);
  const scaled = await scrape(url, '');
  assert.ok((value(scaled, 'process_cpu_seconds_total', '0') ?? -1) >= cpu0, 'the removed slot keeps its CPU counter');
  assert.equal(value(scaled, 'hive_restarts_total', '0'), 1);
  assert.ok(value(scaled, 'process_cpu_seconds_total', '1') !== undefined);
  assert.equal(value(scaled, 'hive_restarts_total', '1'), 0);
});
