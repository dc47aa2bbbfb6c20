// What an SRE moving from pm2-prometheus-exporter needs from /metrics: the app's state and desired size beside the
// ready count, the primary's start time, base units, labels that do not clash with Prometheus's own, counters and
// histograms that rate() and histogram_quantile() can use.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { fixture, freePort, isEvent, killAll, startHive, until } from '../cluster/helpers.js';
import { startWithMetrics } from './metrics-hive.js';
import { parsePrometheusText, type Sample, sum } from './prometheus-text.js';
import { scrape, scrapeText } from './scrape.js';

// Reports every 200 ms, not every second: each figure below is polled for until a report carries it.
const reports = ['--memory-report-interval', '200ms'];

after(killAll);

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test('an errored app with 0 of 2 processes shows its state and desired size, so ready < desired can alert', async () => {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '2', '--port', String(port), '--metrics-port', '0', '--max-restarts', '1'];
  // Kept up once errored, as the daemon keeps its primaries: a foreground one would exit (ERR_HIVE_APP_ERRORED).
  args.push('--exp-backoff-restart-delay', '20ms', '--min-uptime', '30s', '--no-exit-on-error');
  const hive = startHive(args, { CRASH_AFTER_MS: '300' });
  const base = (await hive.waitFor(isEvent('metrics'), 'the metrics port')).url as string;
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  let samples = await scrape(base);
  assert.equal(value(samples, 'hive_workers_desired', { app: 'app' }), 2);
  assert.equal(value(samples, 'hive_app_state', { app: 'app', state: 'online' }), 1);

  await hive.waitFor(isEvent('state', { state: 'errored' }), 'the app errored', 60_000);
  await until(async () => {
    samples = await scrape(base);
    return value(samples, 'hive_workers_ready') === 0;
  }, 'no process ready');
  assert.equal(value(samples, 'hive_workers_desired', { app: 'app' }), 2);
  assert.equal(value(samples, 'hive_app_state', { app: 'app', state: 'errored' }), 1);
  // One sample per state, the others 0: `hive_app_state{state="errored"} == 1` is the alert.
  const states = samples.filter((s) => s.name === 'hive_app_state');
  assert.deepEqual(states.map((s) => s.labels.state).sort(), [
    'errored',
    'online',
    'reloading',
    'starting',
    'stopped',
    'stopping',
  ]);
  assert.equal(sum(samples, 'hive_app_state'), 1);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test("the primary's start time is exposed, so a restarted primary (its counters from 0) is told apart", async () => {
  const metricsPort = await freePort();
  const startOnce = async (): Promise<{ start: number; requests: number }> => {
    const before = Date.now() / 1000;
    const port = await freePort();
    const hive = startHive([
      fixture('app.js'),
      '-i',
      '1',
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
    ]);
    const base = (await hive.waitFor(isEvent('metrics'), 'the metrics port')).url as string;
    await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
    for (let i = 0; i < 3; i++) await (await request(`http://127.0.0.1:${port}/`, { reset: true })).body.text();
    let samples: Sample[] = [];
    await until(async () => {
      samples = await scrape(base);
      return sum(samples, 'http_requests_total') === 3;
    }, '3 requests counted');
    const start = value(samples, 'process_start_time_seconds', { app: 'app' });
    assert.equal(samples.filter((s) => s.name === 'process_start_time_seconds').length, 1);
    assert.ok(start !== undefined && start >= Math.floor(before) && start <= Date.now() / 1000, `start ${start}`);
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
    return { start, requests: sum(samples, 'http_requests_total') };
  };
  const first = await startOnce();
  const second = await startOnce();
  // The same endpoint, counters at 3 again: only the start time says the second is a new primary.
  assert.equal(second.requests, first.requests);
  assert.ok(second.start > first.start, `${second.start} > ${first.start}`);
});

test('CPU is exposed in base units only: a process_cpu_seconds_total counter per slot, no percent gauge', async () => {
  const { hive, base } = await startWithMetrics(fixture('app.js'), 2, reports);
  let text = '';
  await until(async () => {
    text = await scrapeText(base);
    return parsePrometheusText(text).samples.filter((s) => s.name === 'process_cpu_seconds_total').length === 2;
  }, 'both slots reported');
  const { samples, types } = parsePrometheusText(text);
  assert.equal(types.get('process_cpu_seconds_total'), 'counter');
  for (const s of samples.filter((s) => s.name === 'process_cpu_seconds_total')) assert.ok(s.value > 0);
  assert.deepEqual(
    [...types.keys()].filter((name) => name.includes('percent')),
    [],
  );
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test("the process slot is the label slot: Hive's series never carry Prometheus's target label instance", async () => {
  const { hive, base } = await startWithMetrics(fixture('app.js'), 2, reports);
  let samples: Sample[] = [];
  await until(async () => {
    samples = await scrape(base);
    return samples.filter((s) => s.name === 'process_resident_memory_bytes').length === 2;
  }, 'both slots reported');
  assert.deepEqual(
    samples.filter((s) => 'instance' in s.labels || 'exported_instance' in s.labels).map((s) => s.name),
    [],
  );
  const slots = samples.filter((s) => s.name === 'process_resident_memory_bytes').map((s) => s.labels.slot);
  assert.deepEqual(slots.sort(), ['0', '1']);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

const metricsApp = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;

test('pool tasks are counters and histograms per slot that survive a restart; utilization is recent', async () => {
  const { hive, base, port } = await startWithMetrics(metricsApp, 1, reports);
  const compute = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const { statusCode, body } = await request(`http://127.0.0.1:${port}/compute`, { reset: true });
      await body.text();
      assert.equal(statusCode, 200);
    }
  };
  const pool = { app: 'app', slot: '0', pool: 'task.js' };
  await compute(3);
  let text = '';
  await until(async () => {
    text = await scrapeText(base);
    return sum(parsePrometheusText(text).samples, 'hive_pool_task_run_seconds_count', pool) === 3;
  }, '3 tasks in the histogram');
  const { samples, types } = parsePrometheusText(text);
  assert.equal(types.get('hive_pool_task_run_seconds'), 'histogram');
  assert.equal(types.get('hive_pool_task_wait_seconds'), 'histogram');
  assert.equal(types.get('hive_pool_busy_seconds_total'), 'counter');
  assert.equal(value(samples, 'hive_pool_task_wait_seconds_count', pool), 3);
  assert.equal(value(samples, 'hive_pool_tasks_completed_total', pool), 3);
  assert.equal(value(samples, 'hive_pool_max_threads', pool), 1);
  for (const name of ['hive_pool_task_run_seconds', 'hive_pool_task_wait_seconds']) {
    const buckets = samples.filter((s) => s.name === `${name}_bucket`);
    assert.equal(buckets.at(-1)!.labels.le, '+Inf');
    assert.equal(buckets.at(-1)!.value, 3);
    for (let i = 1; i < buckets.length; i++)
      assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, `${name} cumulative`);
  }
  const busy = value(samples, 'hive_pool_busy_seconds_total', pool)!;
  assert.ok(busy > 0);
  assert.equal(busy, value(samples, 'hive_pool_task_run_seconds_sum', pool));
  // Utilization is the last report interval's: with no task since, it reads 0 (it was the pool's lifetime share,
  // which never goes back to 0).
  await until(async () => value(await scrape(base), 'hive_pool_utilization', pool) === 0, 'an idle pool at 0');

  // A crash restart of the slot: its pool counts and histograms go on from 3, not from 0.
  const victim = hive.readyPids().get(0)!;
  process.kill(victim, 'SIGKILL');
  await hive.waitFor(
    (r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== victim,
    'the replacement ready',
  );
  await compute(2);
  await until(async () => {
    const after = await scrape(base);
    return (
      value(after, 'hive_pool_tasks_completed_total', pool) === 5 &&
      value(after, 'hive_pool_task_run_seconds_count', pool) === 5 &&
      value(after, 'hive_pool_task_wait_seconds_count', pool) === 5
    );
  }, '5 tasks over both processes');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('http_request_duration_seconds: a histogram per slot by method and status class, summed over the slots', async () => {
  const { hive, base, port } = await startWithMetrics(metricsApp, 2, reports);
  const send = async (method: string, path: string) => {
    const { body } = await request(`http://127.0.0.1:${port}${path}`, { method, reset: true });
    await body.text();
  };
  for (let i = 0; i < 10; i++) await send('GET', '/');
  for (let i = 0; i < 4; i++) await send('GET', '/missing');
  for (let i = 0; i < 3; i++) await send('POST', `/?id=${i}`);
  await send('GET', '/slow?ms=300');
  let text = '';
  await until(async () => {
    text = await scrapeText(base);
    return sum(parsePrometheusText(text).samples, 'http_request_duration_seconds_count') === 18;
  }, '18 responses in the histogram');
  const { samples, types } = parsePrometheusText(text);
  assert.equal(types.get('http_request_duration_seconds'), 'histogram');
  const count = (labels: Record<string, string>) => sum(samples, 'http_request_duration_seconds_count', labels);
  assert.equal(count({ method: 'GET', code_class: '2xx' }), 11);
  assert.equal(count({ method: 'GET', code_class: '4xx' }), 4);
  assert.equal(count({ method: 'POST', code_class: '2xx' }), 3);
  // The same responses as the counter, and no label per path.
  assert.equal(sum(samples, 'http_requests_total'), 18);
  const series = samples.filter((s) => s.name.startsWith('http_request_duration_seconds'));
  for (const s of series)
    assert.deepEqual(
      Object.keys(s.labels)
        .sort()
        .filter((l) => l !== 'le'),
      ['app', 'code_class', 'method', 'slot'],
    );
  // The 300 ms response is above the 0.25 s bucket; every response is within +Inf.
  const le = (bound: string) =>
    sum(samples, 'http_request_duration_seconds_bucket', { method: 'GET', code_class: '2xx', le: bound });
  assert.ok(le('0.25') <= 10, `${le('0.25')} in le 0.25`);
  assert.equal(le('+Inf'), 11);
  assert.ok(sum(samples, 'http_request_duration_seconds_sum', { method: 'GET', code_class: '2xx' }) >= 0.3);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
