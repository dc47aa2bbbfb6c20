import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { parsePrometheusText, type Sample } from '../metrics/prometheus-text.js';
import { scrapeText } from '../metrics/scrape.js';
import { freePort } from '../ports.js';
import { appFixture, daemonFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// The daemon's endpoint (its whole URL): the text too, for the # HELP and # TYPE lines.
async function scrape(url: string): Promise<{ text: string; samples: Sample[] }> {
  const text = await scrapeText(url, '');
  return { text, samples: parsePrometheusText(text).samples };
}

const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test('HIVE_DAEMON_METRICS_PORT: one endpoint with a cluster app and a fork-mode app, each family once', async () => {
  const env = { HIVE_DAEMON_METRICS_PORT: '0' };
  await hive.json(['start', appFixture, '-i', '2', '--name', 'web'], { env });
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick'], { env });
  const { daemonMetrics } = await hive.json<{ daemonMetrics: string | null }>(['version']);
  assert.match(String(daemonMetrics), /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const url = daemonMetrics!;
  // Only this machine reaches it: nothing to warn of.
  assert.doesNotMatch(readOrEmpty(join(hive.home, 'daemon.log')), /metrics endpoint/);

  const { text, samples } = await waitFor(async () => {
    const got = await scrape(url);
    // Each web slot reports on its own clock: wait for both, not one.
    const reported = ['0', '1'].every(
      (slot) => value(got.samples, 'process_cpu_seconds_total', { app: 'web', slot }) !== undefined,
    );
    return reported && value(got.samples, 'hive_workers_ready', { app: 'web' }) === 2 ? got : undefined;
  }, 'both web workers ready and reporting in a scrape');
  // One HELP and one TYPE line per family, whichever apps have samples of it.
  for (const kind of ['HELP', 'TYPE']) {
    const names = [...text.matchAll(new RegExp(`^# ${kind} (\\S+) `, 'gm'))].map((m) => m[1]);
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
      `# ${kind} repeated`,
    );
  }
  for (const app of ['web', 'tick']) {
    assert.equal(value(samples, 'hive_app_state', { app, state: 'online' }), 1, app);
    assert.equal(value(samples, 'hive_up', { app }), 1, app);
    assert.ok(value(samples, 'process_cpu_seconds_total', { app, slot: '0' }) !== undefined, app);
  }
  assert.equal(value(samples, 'hive_workers_desired', { app: 'web' }), 2);
  assert.equal(value(samples, 'hive_workers_desired', { app: 'tick' }), 1);
  assert.equal(value(samples, 'hive_workers_ready', { app: 'tick' }), 1);
  assert.ok((value(samples, 'process_resident_memory_bytes', { app: 'tick', slot: '0' }) ?? 0) > 0);
  assert.equal(value(samples, 'hive_restarts_total', { app: 'tick', slot: '0' }), 0);
  // The cluster app's families only its primary knows come through as its own /metrics serves them.
  assert.ok(samples.some((s) => s.name === 'nodejs_heap_size_used_bytes' && s.labels.app === 'web'));
  assert.ok(!samples.some((s) => s.name === 'nodejs_heap_size_used_bytes' && s.labels.app === 'tick'));

  const health = await request(url.replace(/\/metrics$/, '/healthz'));
  assert.equal(health.statusCode, 200);
  await health.body.text();
  const ready = await request(url.replace(/\/metrics$/, '/readyz'));
  assert.equal(ready.statusCode, 200);
  await ready.body.text();

  // A fork-mode process that dies is restarted and counted; its slot's CPU counter does not go back.
  const cpuBefore = value(samples, 'process_cpu_seconds_total', { app: 'tick', slot: '0' })!;
  const [tick] = await hive.json<App[]>(['ls']).then((apps) => apps.filter((a) => a.name === 'tick'));
  process.kill(tick!.processes.find((p) => p.role === 'worker')!.pid, 'SIGKILL');
  const restarted = await waitFor(async () => {
    const got = await scrape(url);
    const restarts = value(got.samples, 'hive_restarts_total', { app: 'tick', slot: '0' });
    return restarts === 1 && value(got.samples, 'hive_workers_ready', { app: 'tick' }) === 1 ? got : undefined;
  }, 'the restart of tick counted');
  assert.ok(value(restarted.samples, 'process_cpu_seconds_total', { app: 'tick', slot: '0' })! >= cpuBefore);

  // A stopped app leaves the next scrape.
  await hive.json(['stop', 'tick']);
  const after = await scrape(url);
  assert.ok(!after.samples.some((s) => s.labels.app === 'tick'), 'no sample of a stopped app');
  assert.equal(value(after.samples, 'hive_up', { app: 'web' }), 1);

  // A stopped primary (SIGSTOP), which cannot answer, is counted, and shown from what the daemon knows at once: hive_up 0,
  // its state and processes as last seen; not its counters, which the daemon does not count as the primary does.
  const [web] = await hive.json<App[]>(['ls']).then((apps) => apps.filter((a) => a.name === 'web'));
  const primary = web!.processes.find((p) => p.role === 'primary')!.pid;
  process.kill(primary, 'SIGSTOP');
  try {
    const stalled = await scrape(url);
    assert.equal(value(stalled.samples, 'hive_up', { app: 'web' }), 0);
    assert.equal(value(stalled.samples, 'hive_app_state', { app: 'web', state: 'online' }), 1);
    assert.equal(value(stalled.samples, 'hive_workers_ready', { app: 'web' }), 2);
    assert.equal(value(stalled.samples, 'hive_workers_desired', { app: 'web' }), 2);
    const web = stalled.samples.filter((s) => s.labels.app === 'web').map((s) => s.name);
    assert.deepEqual([...new Set(web)].sort(), [
      'hive_app_state',
      'hive_scrape_errors_total',
      'hive_up',
      'hive_workers_desired',
      'hive_workers_ready',
    ]);
    assert.equal(value(stalled.samples, 'hive_scrape_errors_total', { app: 'web' }), 1);
    assert.match(
      readOrEmpty(join(hive.home, 'daemon.log')),
      /web: shown as down \(hive_up 0\) in metrics scrapes until its primary answers, its primary is stopped/,
    );
  } finally {
    process.kill(primary, 'SIGCONT');
  }
  const back = await scrape(url);
  assert.equal(value(back.samples, 'hive_up', { app: 'web' }), 1);
  assert.equal(value(back.samples, 'hive_scrape_errors_total', { app: 'web' }), 1);

  // A deleted app's series end, its scrape errors too: they stayed for ever, and counted on under an app of that name.
  await hive.json(['delete', 'web']);
  const gone = await scrape(url);
  assert.ok(!gone.samples.some((s) => s.labels.app === 'web'), 'no sample of a deleted app');
});

test('a taken daemon metrics port fails the command with ERR_HIVE_METRICS_PORT_IN_USE, and no daemon runs', async () => {
  const other = tempHome();
  const port = await freePort();
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  try {
    const result = await other.run(['ls'], { env: { HIVE_DAEMON_METRICS_PORT: String(port) } });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`ERR_HIVE_METRICS_PORT_IN_USE: .*127\\.0\\.0\\.1:${port}`));
    // The daemon takes no flag: the message names the variable that set its port.
    assert.match(result.stderr, /pick another HIVE_DAEMON_METRICS_PORT/);
    assert.doesNotMatch(result.stderr, /--metrics-port/);
    assert.equal(await other.daemonPid(), undefined);
  } finally {
    holder.close();
  }
});

test('a bad HIVE_DAEMON_METRICS_PORT is refused before any daemon starts', async () => {
  const other = tempHome();
  const result = await other.run(['ls'], { env: { HIVE_DAEMON_METRICS_PORT: 'http' } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /ERR_HIVE_DAEMON_METRICS: Expected HIVE_DAEMON_METRICS_PORT to be a port number/);
  assert.equal(await other.daemonPid(), undefined);
});

test('a HIVE_DAEMON_METRICS_HOST with a port in it is refused before any daemon starts, naming the variable', async () => {
  const other = tempHome();
  const env = { HIVE_DAEMON_METRICS_PORT: '0', HIVE_DAEMON_METRICS_HOST: '127.0.0.1:9' };
  const result = await other.run(['ls'], { env });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /ERR_HIVE_DAEMON_METRICS: Expected HIVE_DAEMON_METRICS_HOST to be an address .*without a port/,
  );
  assert.equal(await other.daemonPid(), undefined);
});

test("apps' own prom-client metrics: one family across apps, each sample labelled with its app", async () => {
  const other = tempHome();
  const promApp = new URL('../fixtures/metrics/prom-app.js', import.meta.url).pathname;
  // Bound to every interface (scraped on 127.0.0.1): the daemon warns in its log that the endpoint is open.
  const env = { HIVE_DAEMON_METRICS_PORT: '0', HIVE_DAEMON_METRICS_HOST: '0.0.0.0' };
  const ports = { p1: await freePort(), p2: await freePort() };
  const hits = { p1: 3, p2: 5 };
  for (const [name, port] of Object.entries(ports)) {
    await other.json(['start', promApp, '-i', '1', '--name', name, '--port', String(port)], { env });
  }
  for (const [name, port] of Object.entries(ports)) {
    for (let i = 0; i < hits[name as 'p1']; i++) {
      const { body } = await request(`http://127.0.0.1:${port}/hello`);
      await body.text();
    }
  }
  const bound = new URL((await other.json<{ daemonMetrics: string }>(['version'])).daemonMetrics);
  assert.equal(bound.hostname, '0.0.0.0');
  const warnings = readOrEmpty(join(other.home, 'daemon.log')).match(/^.*warning: the metrics endpoint.*$/gm) ?? [];
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(
    warnings[0]!,
    new RegExp(`http://0\\.0\\.0\\.0:${bound.port} .*no authentication.*HIVE_DAEMON_METRICS_HOST 127\\.0\\.0\\.1`),
  );
  const url = `http://127.0.0.1:${bound.port}/metrics`;
  const { text, samples } = await waitFor(async () => {
    const got = await scrape(url);
    const served = (app: string) => value(got.samples, 'app_served_total', { app, route: '/hello' });
    return served('p1') === hits.p1 && served('p2') === hits.p2 ? got : undefined;
  }, "both apps' own counters in a scrape");
  assert.equal(text.match(/^# TYPE app_served_total counter$/gm)?.length, 1);
  assert.equal(text.match(/^# TYPE nodejs_active_handles_total /gm)?.length, 1);
  for (const app of ['p1', 'p2']) {
    assert.ok(
      samples.some((s) => s.name === 'nodejs_active_handles_total' && s.labels.app === app),
      app,
    );
  }
});

test('errored apps (a crash-looped fork-mode app, a cluster app whose primary failed): desired processes, none ready, 503', async () => {
  const other = tempHome();
  const app = { name: 'bad', script: daemonFixture('exit-with.sh'), args: '3', instances: 2, max_restarts: 2 };
  const file = other.writeConfig([{ ...app, restart_delay: 50 }], 'bad.config.cjs');
  await other.run(['start', file], { env: { HIVE_DAEMON_METRICS_PORT: '0' } });
  const url = (await other.json<{ daemonMetrics: string }>(['version'])).daemonMetrics;
  const { samples } = await waitFor(async () => {
    const got = await scrape(url);
    return value(got.samples, 'hive_app_state', { app: 'bad', state: 'errored' }) === 1 ? got : undefined;
  }, 'the app errored');
  assert.equal(value(samples, 'hive_workers_desired', { app: 'bad' }), 2);
  assert.equal(value(samples, 'hive_workers_ready', { app: 'bad' }), 0);
  assert.ok((value(samples, 'hive_restarts_total', { app: 'bad', slot: '0' }) ?? 0) >= 1);
  const ready = await request(url.replace(/\/metrics$/, '/readyz'));
  assert.equal(ready.statusCode, 503);
  await ready.body.text();

  // A cluster app whose primary failed before it was online (its own metrics port taken) has no primary to ask: the
  // daemon describes it, with the processes it asks for, so ready < desired holds.
  const port = await freePort();
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  try {
    const failed = await other.run(['start', appFixture, '-i', '2', '--name', 'web', '--metrics-port', String(port)]);
    assert.match(failed.stderr, /ERR_HIVE_METRICS_PORT_IN_USE: .*pick another --metrics-port/);
  } finally {
    holder.close();
  }
  const web = (await scrape(url)).samples;
  assert.equal(value(web, 'hive_app_state', { app: 'web', state: 'errored' }), 1);
  assert.equal(value(web, 'hive_workers_desired', { app: 'web' }), 2);
  assert.equal(value(web, 'hive_workers_ready', { app: 'web' }), 0);
});

test("with the daemon's metrics port, a retiring process still sends the app's own metrics (HIVE_APP_METRICS)", async () => {
  const home = tempHome();
  const app = new URL('../fixtures/metrics/collect-marker-app.js', import.meta.url).pathname;
  const file = join(home.home, 'collected');
  const env = { HIVE_DAEMON_METRICS_PORT: '0', COLLECT_FILE: file };
  await home.json(['start', app, '-i', '1', '--name', 'marker', '--port', String(await freePort())], { env });
  await waitFor(async () => {
    const [marker] = await home.json<App[]>(['ls']);
    return marker?.status === 'online' && marker.ready === 1 ? true : undefined;
  }, 'the app online');
  // Never scraped: the only read of its registry is the one of its final metrics, at its retirement.
  await home.json(['stop', 'marker']);
  assert.equal(readOrEmpty(file).split('\n').filter(Boolean).length, 1);
});
