import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import type { HiveSnapshot } from '../../dist/dashboard/index.js';
import { freePort, type Hive, isEvent, killAll, startHive, until } from '../cluster/helpers.js';
import { type Sample, sum } from './prometheus-text.js';
import { fetchText, scrape } from './scrape.js';

// `--no-http-metrics`: the runtime counts no HTTP request, and the views say "not counted" rather than 0.

const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;
const CHANNELS = ['http.server.request.start', 'http.server.response.finish'];
const HTTP_FAMILIES = [
  'http_requests_total',
  'http_requests_aborted_total',
  'http_requests_in_flight',
  'http_open_connections',
  'http_upgraded_connections',
  'http_request_duration_seconds_count',
];

after(killAll);

async function start(
  extra: string[],
  env: Record<string, string> = {},
): Promise<{ hive: Hive; metrics: string; dashboard: string; port: number }> {
  const port = await freePort();
  const hive = startHive(
    [app, '-i', '2', '--port', String(port), '--metrics-port', '0', '--dashboard', '127.0.0.1:0', ...extra],
    env,
  );
  const metrics = (await hive.waitFor(isEvent('metrics'), 'the metrics port')).url as string;
  const dashboard = (await hive.waitFor(isEvent('dashboard'), 'the dashboard address')).url as string;
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  return { hive, metrics, dashboard, port };
}

// 300 requests on new connections, so that round-robin spreads them over both processes.
async function load(port: number): Promise<void> {
  const agent = new Agent({ connections: 8 });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next++ < 300) {
        const { body } = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent, reset: true });
        await body.text();
      }
    }),
  );
  await agent.close();
}

// Whether each process (by instance) has subscribers on node's HTTP server channels.
async function channels(port: number): Promise<Map<string, Record<string, boolean>>> {
  const seen = new Map<string, Record<string, boolean>>();
  await until(async () => {
    const { instance, subscribed } = JSON.parse((await fetchText(`http://127.0.0.1:${port}/channels`)).text);
    seen.set(instance, subscribed);
    return seen.size === 2;
  }, 'both processes asked');
  return seen;
}

test('--no-http-metrics: no subscriber on the HTTP channels, no http_* series, `null` req/s; process metrics, Server-Timing and sampling stay', async () => {
  // --server-timing (and the dashboard's request sampling) keep their own per-request context: still on.
  const { hive, metrics, dashboard, port } = await start(['--no-http-metrics', '--server-timing']);
  for (const [instance, subscribed] of await channels(port)) {
    for (const name of CHANNELS) assert.equal(subscribed[name], false, `${name} subscribed in instance ${instance}`);
  }
  const timed = await request(`http://127.0.0.1:${port}/`, { reset: true });
  await timed.body.text();
  assert.match(String(timed.headers['server-timing']), /^total;dur=/);
  const cpu = (samples: Sample[], slot: string) => sum(samples, 'process_cpu_seconds_total', { slot });
  let before: Sample[] = [];
  await until(async () => {
    before = await scrape(metrics);
    return before.filter((s) => s.name === 'process_resident_memory_bytes').length === 2;
  }, 'both processes reporting');
  await load(port);
  // Both processes have reported since the load (their CPU time grows with it).
  let samples: Sample[] = [];
  await until(async () => {
    samples = await scrape(metrics);
    return ['0', '1'].every((slot) => cpu(samples, slot) > cpu(before, slot));
  }, 'a report of each process after the load');
  for (const slot of ['0', '1']) {
    for (const name of [
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_utilization',
    ]) {
      assert.equal(samples.filter((s) => s.name === name && s.labels.slot === slot).length, 1, `${name} of ${slot}`);
    }
  }
  for (const name of HTTP_FAMILIES) {
    assert.deepEqual(
      samples.filter((s) => s.name === name),
      [],
      `${name} has samples`,
    );
  }
  assert.equal(sum(samples, 'hive_workers_ready', { app: 'app' }), 2);

  // Request sampling (the dashboard's waterfall) is apart from the counting, and still works.
  let snapshot: HiveSnapshot | undefined;
  await until(async () => {
    snapshot = JSON.parse((await fetchText(`${dashboard}api/snapshot`)).text) as HiveSnapshot;
    return (snapshot.apps[0]?.requests.length ?? 0) > 0;
  }, 'sampled requests');
  const [shown] = snapshot?.apps ?? [];
  assert.equal(shown?.reqRate, null);
  assert.equal(shown?.errorRate, null);
  assert.equal(shown?.instances.length, 2);
  for (const i of shown?.instances ?? []) {
    assert.deepEqual([i.reqRate, i.errorRate, i.latencyP50, i.latencyP99, i.inFlight], [null, null, null, null, null]);
    // Nor the responses by status class: five zeros would pass off as no traffic.
    assert.equal(i.classes, null, 'classes');
    // Not counted either (no http_upgraded_connections in /metrics): absent, shown `-`, not 0 open WebSockets.
    assert.equal(i.upgradedConnections, undefined, 'upgradedConnections');
    assert.ok((i.rss ?? 0) > 0, 'rss is reported');
  }
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('without --no-http-metrics the same app is counted: subscribed, http_requests_total 300, req/s a number', async () => {
  const { hive, metrics, dashboard, port } = await start([]);
  for (const [instance, subscribed] of await channels(port)) {
    for (const name of CHANNELS) assert.equal(subscribed[name], true, `${name} not subscribed in instance ${instance}`);
  }
  const counted = sum(await scrape(metrics), 'http_requests_total');
  await load(port);
  await until(
    async () => sum(await scrape(metrics), 'http_requests_total') >= counted + 300,
    'the 300 requests counted',
  );
  const samples = await scrape(metrics);
  for (const slot of ['0', '1']) assert.ok(sum(samples, 'http_requests_total', { slot }) > 0, `requests of ${slot}`);
  const snapshot = JSON.parse((await fetchText(`${dashboard}api/snapshot`)).text) as HiveSnapshot;
  assert.equal(typeof snapshot.apps[0]?.reqRate, 'number');
  for (const i of snapshot.apps[0]?.instances ?? []) assert.equal(typeof i.inFlight, 'number');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// A `hive run` started from inside an app that turned the counting off (its processes hold HIVE_HTTP_METRICS=0, and
// cluster.fork() hands the primary's environment down): its own app, asked for no such thing, is counted.
test('a primary without --no-http-metrics counts its app even in an environment with HIVE_HTTP_METRICS=0', async () => {
  const { hive, port } = await start([], { HIVE_HTTP_METRICS: '0' });
  for (const [instance, subscribed] of await channels(port)) {
    for (const name of CHANNELS) assert.equal(subscribed[name], true, `${name} not subscribed in instance ${instance}`);
  }
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
