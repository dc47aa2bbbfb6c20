import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import { isEvent, killAll, runHive, until } from '../cluster/helpers.js';
import { poll } from '../poll.js';
import { promApp, startWithMetrics } from './metrics-hive.js';
import { parsePrometheusText, type Sample, sum } from './prometheus-text.js';
import { fetchText, scrape } from './scrape.js';

// Reports every 200 ms, not every second, where a test polls /metrics until a report carries what it checks.
const reports = ['--memory-report-interval', '200ms'];

const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;

after(killAll);

test('/metrics is valid Prometheus text, per instance, and its counters grow under load', async () => {
  const { hive, base, port: appPort } = await startWithMetrics(app, 2, reports);
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await fetchText(`${base}/healthz`)).status, 200);
  assert.equal((await fetchText(`${base}/readyz`)).status, 200);
  assert.equal((await fetchText(`${base}/nope`)).status, 404);

  // Both workers report about five times a second.
  await until(
    async () => (await scrape(base)).filter((s) => s.name === 'process_resident_memory_bytes').length === 2,
    'two instances',
  );
  const before = await scrape(base);
  assert.equal(sum(before, 'hive_workers_ready', { app: 'app' }), 2);
  for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) {
    for (const instance of ['0', '1']) assert.ok(sum(before, name, { slot: instance }) > 0, `${name} of ${instance}`);
  }

  // Bounded load: 200 requests, each on a new connection so that round-robin spreads them over both workers,
  // a share of them through the shared pool and some answered 404.
  const agent = new Agent({ connections: 8 });
  const paths = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? '/missing' : i % 5 === 0 ? '/compute' : '/'));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < paths.length) {
        const path = paths[next++]!;
        const { body } = await request(`http://127.0.0.1:${appPort}${path}`, { dispatcher: agent, reset: true });
        await body.text();
      }
    }),
  );
  await agent.close();

  let after: Sample[] = [];
  await until(async () => {
    after = await scrape(base);
    return sum(after, 'http_requests_total') === 200;
  }, 'all 200 requests counted');
  assert.equal(sum(after, 'http_requests_total', { code_class: '4xx' }), 20);
  assert.equal(sum(after, 'http_requests_total', { code_class: '2xx' }), 180);
  for (const instance of ['0', '1']) {
    assert.ok(
      sum(after, 'http_requests_total', { app: 'app', slot: instance }) > 0,
      `requests of instance ${instance}`,
    );
  }
  await until(
    async () => sum(await scrape(base), 'hive_pool_tasks_completed_total', { pool: 'task.js' }) === 20,
    '20 pool tasks',
  );
  const pools = (await scrape(base)).filter((s) => s.name === 'hive_pool_threads');
  assert.ok(pools.length > 0 && pools.every((s) => s.labels.pool === 'task.js'));
  assert.ok(sum(after, 'process_cpu_seconds_total') > sum(before, 'process_cpu_seconds_total'));

  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('two shared pools whose task files share a name are told apart by path, not merged under one label', async () => {
  const { hive, base, port: appPort } = await startWithMetrics(app, 1, reports, { TWIN_POOL: '1' });
  for (let i = 0; i < 3; i++) assert.equal((await fetchText(`http://127.0.0.1:${appPort}/compute`)).status, 200);
  for (let i = 0; i < 5; i++) assert.equal((await fetchText(`http://127.0.0.1:${appPort}/compute-twin`)).status, 200);
  const labelled = (samples: Sample[]) =>
    Object.fromEntries(
      samples.filter((s) => s.name === 'hive_pool_tasks_completed_total').map((s) => [s.labels.pool, s.value]),
    );
  await until(async () => Object.keys(labelled(await scrape(base))).length === 2, 'two pool labels');
  await until(async () => {
    const counts = labelled(await scrape(base));
    return counts['test/fixtures/metrics/task.js'] === 3 && counts['test/fixtures/metrics/twin/task.js'] === 5;
  }, 'each pool its own count');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a pool of the same file with a query is labelled with it, not merged into the plain file pool', async () => {
  const { hive, base, port: appPort } = await startWithMetrics(app, 1, reports, { TWIN_POOL: 'query' });
  for (let i = 0; i < 3; i++) assert.equal((await fetchText(`http://127.0.0.1:${appPort}/compute`)).status, 200);
  for (let i = 0; i < 5; i++) assert.equal((await fetchText(`http://127.0.0.1:${appPort}/compute-twin`)).status, 200);
  await until(async () => {
    const samples = (await scrape(base)).filter((s) => s.name === 'hive_pool_tasks_completed_total');
    const counts = Object.fromEntries(samples.map((s) => [s.labels.pool, s.value]));
    return samples.length === 2 && counts['task.js'] === 3 && counts['task.js?v=2'] === 5;
  }, 'each pool its own series');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// A series is one label set: each counts the tasks reported under its label, so that none starts high or jumps.
// Keyed by path alone, the first pool's count moved with its label: the path series started at the 3 tasks the
// file-name series had already counted, and after a reload (a process with one pool again, labelled by file name)
// the file-name series came back higher by what the path series had counted meanwhile: increase() over either
// counted those tasks twice.
test('a pool relabelled by a second pool of its file name, and back after a reload: each series counts its own tasks', async () => {
  const { hive, base, port: appPort } = await startWithMetrics(app, 1, reports, { TWIN_POOL: 'late' });
  const labelled = (samples: Sample[]) =>
    Object.fromEntries(
      samples.filter((s) => s.name === 'hive_pool_tasks_completed_total').map((s) => [s.labels.pool, s.value]),
    );
  const run = async (path: string, times: number) => {
    for (let i = 0; i < times; i++) assert.equal((await fetchText(`http://127.0.0.1:${appPort}${path}`)).status, 200);
  };
  const countsWhen = (ready: (counts: Record<string, number>) => boolean, what: string) =>
    poll(async () => {
      const now = labelled(await scrape(base));
      return ready(now) ? now : undefined;
    }, what);
  const first = 'test/fixtures/metrics/task.js';
  const twin = 'test/fixtures/metrics/twin/task.js';
  // The first pool's tasks, whatever series they are in: what to wait for before comparing the series.
  const firstPool = (c: Record<string, number>) => (c['task.js'] ?? 0) + (c[first] ?? 0);

  await run('/compute', 3);
  assert.deepEqual(await countsWhen((c) => c['task.js'] === 3, 'the first pool under its file name'), {
    'task.js': 3,
  });
  // The twin relabels the first pool by its path: that series starts with the tasks run since, not the 3 before.
  await run('/compute-twin', 5);
  await run('/compute', 2);
  assert.deepEqual(await countsWhen((c) => c[twin] === 5 && firstPool(c) === 5, 'the tasks of both pools counted'), {
    'task.js': 3,
    [first]: 2,
    [twin]: 5,
  });
  // The reloaded process has the first pool alone again: its file-name series goes on from 3.
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload', 60_000);
  await run('/compute', 1);
  assert.deepEqual(await countsWhen((c) => firstPool(c) === 6, "the reloaded process's task counted"), {
    'task.js': 4,
    [first]: 2,
    [twin]: 5,
  });
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('/readyz answers 503 while the app drains on SIGTERM; /healthz stays 200', async () => {
  // The kill timeout outlasts the checks: the drain ends when the gate opens, not at a bound.
  const { hive, base, port: appPort } = await startWithMetrics(app, 1, ['--kill-timeout', '60s']);
  const gate = join(mkdtempSync(join(tmpdir(), 'mt-')), 'gate');
  // A slow request in flight, until the gate file exists, holds the drain open.
  const slow = fetchText(`http://127.0.0.1:${appPort}/slow?gate=${encodeURIComponent(gate)}`);
  try {
    await hive.waitFor((r) => r.kind === 'log' && r.line === 'slow request received', 'the slow request');
    hive.kill('SIGTERM');
    await until(async () => (await fetchText(`${base}/readyz`)).status === 503, '/readyz 503');
    assert.equal((await fetchText(`${base}/healthz`)).status, 200);
  } finally {
    writeFileSync(gate, '');
  }
  assert.equal((await slow).status, 200);
  rmSync(dirname(gate), { recursive: true, force: true });
  assert.equal((await hive.exited).code, 0);
});

test('a metrics port in use fails the run with ERR_HIVE_METRICS_PORT_IN_USE', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const { port } = blocker.address() as { port: number };
  const result = await runHive(['run', app, '-i', '1', '--metrics-port', String(port)]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /ERR_HIVE_METRICS_PORT_IN_USE/);
  assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
});

test('bad metrics flags are usage errors', async () => {
  const noPort = await runHive(['run', app, '--metrics-host', '127.0.0.1']);
  assert.equal(noPort.code, 2);
  assert.match(noPort.stderr, /--metrics-host needs --metrics-port/);
  const samePort = await runHive(['run', app, '--port', '3999', '--metrics-port', '3999']);
  assert.equal(samePort.code, 2);
  assert.match(samePort.stderr, /--metrics-port 3999 is the app's --port/);
  const badPort = await runHive(['run', app, '--metrics-port', 'x']);
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /--metrics-port/);
  // A port written into the host reached listen() as a name to look up, and failed as the port's fault.
  const portInHost = await runHive(['run', app, '--metrics-port', '0', '--metrics-host', '127.0.0.1:9']);
  assert.equal(portInHost.code, 2);
  assert.match(portInHost.stderr, /--metrics-host to be an address or host name without a port/);
});

test('a metrics host that is not an address of this machine says so, not that the port is taken', async () => {
  // TEST-NET-1 (RFC 5737): no interface here holds it, so the bind fails at once, and nothing is sent anywhere.
  const result = await runHive(['run', app, '-i', '1', '--metrics-port', '0', '--metrics-host', '192.0.2.1']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    /ERR_HIVE_METRICS_PORT_IN_USE: .*192\.0\.2\.1 is not an address of this machine.*EADDRNOTAVAIL/,
  );
  assert.doesNotMatch(result.stderr, /already in use/);
});

test("the app's own prom-client metrics are merged across its workers, without clashing with Hive's", async () => {
  const { hive, base, port: appPort } = await startWithMetrics(promApp, 2);
  for (let i = 0; i < 20; i++) {
    const { body } = await request(`http://127.0.0.1:${appPort}/hello`, { reset: true });
    await body.text();
  }
  // Once both workers have reported, Hive's own families are there per slot.
  let text = '';
  await until(async () => {
    text = (await fetchText(`${base}/metrics`)).text;
    return /process_resident_memory_bytes\{app="prom-app",slot="1"\}/.test(text);
  }, "both workers' reports");
  const { samples, types } = parsePrometheusText(text);
  // Summed over both workers, as prom-client's cluster aggregation does.
  assert.equal(sum(samples, 'app_served_total', { route: '/hello' }), 20);
  assert.equal(types.get('app_served_total'), 'counter');
  // The app's default metrics are merged too, except the families Hive exposes itself (one TYPE line each).
  assert.ok(types.has('nodejs_active_handles_total'));
  const typeLines = text.split('\n').filter((line) => line === '# TYPE process_resident_memory_bytes gauge');
  assert.equal(typeLines.length, 1);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a retiring process reports its last counts: a reload loses none', async () => {
  // Reports every 10 minutes: within this test only the retiring process's final report can count the requests.
  const { hive, base, port: appPort } = await startWithMetrics(app, 1, ['--memory-report-interval', '10m']);
  for (let i = 0; i < 30; i++) await fetchText(`http://127.0.0.1:${appPort}/`);
  assert.equal(sum(await scrape(base), 'http_requests_total'), 0);
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload', 60_000);
  await until(async () => sum(await scrape(base), 'http_requests_total', { slot: '0' }) === 30, '30 counted');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('counters per instance survive a crash restart, which is counted', async () => {
  const { hive, base, port: appPort } = await startWithMetrics(app, 1, reports);
  for (let i = 0; i < 30; i++) await fetchText(`http://127.0.0.1:${appPort}/`);
  await until(async () => sum(await scrape(base), 'http_requests_total', { slot: '0' }) === 30, '30 counted');

  const pid = hive.readyPids().get(0)!;
  process.kill(pid, 'SIGKILL');
  await hive.waitFor(isEvent('restart', { instance: 0 }), 'the restart');
  await until(async () => {
    const samples = await scrape(base);
    return sum(samples, 'hive_restarts_total', { slot: '0' }) === 1 && sum(samples, 'hive_workers_ready') === 1;
  }, 'the restart counted and the slot ready again');
  await fetchText(`http://127.0.0.1:${appPort}/`);
  await until(async () => sum(await scrape(base), 'http_requests_total', { slot: '0' }) === 31, '31 counted');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
