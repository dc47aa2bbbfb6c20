import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, test } from 'node:test';
import { request } from 'undici';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { DURATION_BUCKETS_MS } from '../../src/pool/pool-stats.js';
import type { MetricsReport, PoolReport } from '../../src/runtime/protocol.js';
import { killAll } from '../cluster/helpers.js';
import { poll } from '../poll.js';
import { startWithMetrics } from './metrics-hive.js';
import { metricsReport } from './metrics-report.js';
import { parsePrometheusText, type Sample, sum } from './prometheus-text.js';

const app = new URL('../fixtures/metrics/recreate-pool-app.js', import.meta.url).pathname;

after(killAll);

async function get(url: string): Promise<string> {
  const { statusCode, body } = await request(url, { reset: true });
  const text = await body.text();
  assert.equal(statusCode, 200, `${url}: ${text}`);
  return text;
}

// Pool reports count since their pool started, and the primary adds their differences up. A pool the app closed and
// made again for the same task file was taken for the old one while it had done at least as many tasks: its
// histogram's difference from the old pool's counts went negative (a bucket of 1 fast task minus one of 2 slow ones),
// and the old pool, still reported, was then taken for a restart and counted again at every report.
test("a pool closed and made again for the same task file: its tasks add to the old one's, no counter decreases", async () => {
  // Reports every 200 ms, not every second: the test waits for four of them.
  const { hive, base, port: appPort } = await startWithMetrics(app, 1, ['--memory-report-interval', '200ms']);
  // Every scrape's samples of the pool's counters and histograms, by series, in order.
  const seen = new Map<string, number[]>();
  const scrape = async (): Promise<Sample[]> => {
    const samples = parsePrometheusText(await get(`${base}/metrics`)).samples;
    for (const s of samples) {
      if (!/^hive_pool_(tasks_|task_run|task_wait|busy_seconds)/.test(s.name)) continue;
      const key = `${s.name}${JSON.stringify(s.labels)}`;
      seen.set(key, [...(seen.get(key) ?? []), s.value]);
    }
    return samples;
  };
  const completed = (samples: Sample[]) => sum(samples, 'hive_pool_tasks_completed_total');
  const cpu = (samples: Sample[]) => sum(samples, 'process_cpu_seconds_total');

  // The first pool: one fast task, reported.
  await get(`http://127.0.0.1:${appPort}/run?ms=0`);
  await poll(async () => completed(await scrape()) === 1, 'the first pool reported');
  // The second pool of the file: more tasks than the first had, each slower than the first's.
  assert.equal(await get(`http://127.0.0.1:${appPort}/recreate`), 'recreated');
  await get(`http://127.0.0.1:${appPort}/run?ms=30`);
  await get(`http://127.0.0.1:${appPort}/run?ms=30`);
  const reached = await poll(async () => {
    const samples = await scrape();
    return completed(samples) >= 3 ? samples : undefined;
  }, "the second pool's tasks reported");
  // Two more reports (the process's CPU time grows at each), which must not count anything again.
  let last = cpu(reached);
  for (let i = 0; i < 2; i++) {
    last = await poll(async () => {
      const now = cpu(await scrape());
      return now > last ? now : undefined;
    }, 'another report');
  }
  const final = await scrape();
  assert.equal(completed(final), 3);
  assert.equal(sum(final, 'hive_pool_task_run_seconds_count'), 3);
  assert.equal(sum(final, 'hive_pool_task_run_seconds_bucket', { le: '0.01' }), 1, 'the fast task, at most 10 ms');
  assert.equal(sum(final, 'hive_pool_task_run_seconds_bucket', { le: '+Inf' }), 3);
  for (const [series, values] of seen) {
    assert.ok(values[0]! >= 0, `${series} starts at ${values[0]}`);
    for (let i = 1; i < values.length; i++) {
      assert.ok(values[i]! >= values[i - 1]!, `${series} went from ${values[i - 1]} to ${values[i]}`);
    }
  }
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// A runtime older than the primary sends no pool id: a report with less than the previous one in any count, sum or
// bucket is then a new pool, counted from 0, rather than a negative difference.
test('without pool ids, a pool report with fewer tasks in a bucket than the last one counts as a new pool', () => {
  const workers = [{ instance: 0, pid: 10, state: 'ready' }];
  const source = Object.assign(new EventEmitter(), { options: { name: 'app' }, state: 'online', workers });
  const aggregator = new MetricsAggregator(source, { sinceStart: true });
  const size = DURATION_BUCKETS_MS.length;
  // `fast` tasks of 0.05 ms (in every bucket), `slow` ones of 30 ms (in the buckets from 50 ms).
  const histogram = (fast: number, slow: number) => ({
    count: fast + slow,
    sum: fast * 0.05 + slow * 30,
    buckets: DURATION_BUCKETS_MS.map((bound) => fast + (bound >= 30 ? slow : 0)),
  });
  const pool = (fast: number, slow: number): PoolReport => ({
    name: 'task.js',
    path: '/app/task.js',
    threads: 1,
    busy: 0,
    queued: 0,
    completed: fast + slow,
    failed: 0,
    maxThreads: 1,
    utilization: 0,
    waitP99: 0,
    runP99: 0,
    wait: histogram(fast + slow, 0),
    run: histogram(fast, slow),
  });
  const report = (pools: PoolReport[]): MetricsReport => metricsReport({ pools });
  const run = () => aggregator.instances()[0]!.pools.get('task.js')!.run;
  aggregator.record({ instance: 0, pid: 10, report: report([pool(1, 0)]) });
  assert.deepEqual(run().buckets, new Array(size).fill(1));
  // The app closed that pool and made another: 2 slow tasks, more than the old pool's 1 fast one.
  aggregator.record({ instance: 0, pid: 10, report: report([pool(0, 2)]) });
  assert.deepEqual(run(), {
    count: 3,
    sum: 60.05,
    buckets: DURATION_BUCKETS_MS.map((bound) => (bound >= 30 ? 3 : 1)),
  });
  // The new pool's next report: its difference only.
  aggregator.record({ instance: 0, pid: 10, report: report([pool(0, 3)]) });
  assert.equal(run().count, 4);
  assert.equal(aggregator.instances()[0]!.pools.get('task.js')!.completed, 4);
  aggregator.close();
});
