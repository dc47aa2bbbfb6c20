import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AppMetricsCollector } from '../../dist/metrics/app-metrics.js';
import { freePort, killAll, startHive, tempDir } from '../cluster/helpers.js';

after(killAll);

const app = new URL('../fixtures/metrics/collect-marker-app.js', import.meta.url).pathname;

/** Runs the app with `extra` flags until its worker is ready, stops it; the pids whose registry was read. */
async function registryReads(extra: string[]): Promise<string[]> {
  const file = join(tempDir('hive-final-metrics-'), 'collected');
  const hive = startHive([app, '-i', '1', '--port', String(await freePort()), ...extra], { COLLECT_FILE: file });
  await hive.waitFor((r) => r.type === 'worker' && r.state === 'ready', 'the worker ready');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

test("a retiring process serializes the app's registry only when its primary collects app metrics", async () => {
  // No metrics port (nor a daemon's): no one reads the app's metrics, and its retirement does not read them either.
  assert.deepEqual(await registryReads([]), []);
  // With one, never scraped: the retiring process sends its final metrics, which reads the registry once.
  assert.equal((await registryReads(['--metrics-port', '0'])).length, 1);
});

test("a scrape's answer read after the process's final metrics does not replace them (a counter never goes down)", async () => {
  let requestId = 0;
  const source = Object.assign(new EventEmitter(), {
    requestAppMetrics(id: number) {
      requestId = id;
      return 2;
    },
  });
  const counter = (value: number) => [
    { name: 'app_done_total', help: 'Done.', type: 'counter', values: [{ labels: {}, value }] },
  ];
  const collector = new AppMetricsCollector(source, new Set(), 60_000);
  try {
    const scrape = collector.collect();
    // Process 1 answers the scrape, then retires and sends its final figures, while process 2 has not answered yet.
    source.emit('app-metrics', { id: requestId, pid: 1, metrics: counter(5) });
    source.emit('app-metrics', { id: 0, pid: 1, metrics: counter(7), final: true });
    source.emit('app-metrics', { id: requestId, pid: 2, metrics: counter(1) });
    assert.match(await scrape, /^app_done_total 8$/m);
    source.emit('event', { type: 'exit', pid: 1 });
    const next = collector.collect();
    source.emit('app-metrics', { id: requestId, pid: 2, metrics: counter(1) });
    // (The source reports 2 pending: the second answer makes the scrape finish.)
    source.emit('app-metrics', { id: requestId, pid: 3, metrics: null });
    assert.match(await next, /^app_done_total 8$/m);
  } finally {
    collector.close();
  }
});

test('overlapping scrapes share one round of questions to the processes, and one listener', async () => {
  const ids: number[] = [];
  const source = Object.assign(new EventEmitter(), {
    requestAppMetrics(id: number) {
      ids.push(id);
      return 1;
    },
  });
  const counter = [{ name: 'app_done_total', help: 'Done.', type: 'counter', values: [{ labels: {}, value: 3 }] }];
  const collector = new AppMetricsCollector(source, new Set(), 60_000);
  try {
    const scrapes = Array.from({ length: 15 }, () => collector.collect());
    assert.equal(ids.length, 1);
    // The collector's own listener for final answers, and the round's.
    assert.equal(source.listenerCount('app-metrics'), 2);
    source.emit('app-metrics', { id: ids[0], pid: 1, metrics: counter });
    for (const text of await Promise.all(scrapes)) assert.match(text, /^app_done_total 3$/m);
    // The next scrape asks anew.
    const next = collector.collect();
    assert.equal(ids.length, 2);
    source.emit('app-metrics', { id: ids[1], pid: 1, metrics: counter });
    assert.match(await next, /^app_done_total 3$/m);
    assert.equal(source.listenerCount('app-metrics'), 1);
  } finally {
    collector.close();
  }
});
