import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import { freePort } from '../cluster/helpers.js';
import { appFixture, daemonFixture, HiveHome, waitFor } from './helpers.js';

const hive = new HiveHome();
const dir = mkdtempSync(join(tmpdir(), 'hive-cfg-'));
after(async () => {
  await hive.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

type App = { name: string; metrics: string | null; outFile: string };

test('a config app with metricsPort serves Prometheus metrics; logFormat json writes JSON log lines', async () => {
  const config = join(dir, 'hive.config.json');
  const app = { name: 'm', script: appFixture, instances: 2, metricsPort: 0, logFormat: 'json' };
  writeFileSync(config, JSON.stringify({ apps: [app] }));
  const [started] = await hive.json<App[]>(['start', config]);
  assert.equal(started!.name, 'm');

  // Port 0: the primary picked one and told the daemon.
  const url = await waitFor(async () => (await hive.json<App>(['describe', 'm'])).metrics, 'the metrics URL');
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const scrape = await request(url);
  assert.equal(scrape.statusCode, 200);
  const text = await scrape.body.text();
  assert.match(text, /^hive_workers_ready\{app="m"\} 2$/m);

  const lines = await waitFor(() => {
    const found = hive
      .readLog('m-out.log')
      .split('\n')
      .filter((line) => line.includes('listening'));
    return found.length >= 2 ? found : undefined;
  }, 'two listening lines');
  for (const line of lines) {
    const record = JSON.parse(line) as Record<string, unknown>;
    assert.equal(record.app, 'm');
    assert.equal(record.stream, 'stdout');
    assert.equal(typeof record.instance, 'number');
    assert.equal(typeof record.pid, 'number');
    assert.match(String(record.line), /^listening \d+ v1$/);
  }
});

test('metricsPort on a fork-mode app is an ERR_HIVE_CONFIG naming the file, app and key', async () => {
  const config = join(dir, 'hive.config.json');
  const app = { name: 'f', script: daemonFixture('ticker.sh'), interpreter: 'none', metricsPort: 9464 };
  writeFileSync(config, JSON.stringify({ apps: [app] }));
  const result = await hive.run(['start', config]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /ERR_HIVE_CONFIG: .*hive\.config\.json: apps\[0\] \(f\)\.metricsPort: a fork-mode app/);
});

test('serverTiming in a config, and hive start --server-timing, put a Server-Timing header on the responses', async () => {
  const config = join(dir, 'hive.config.json');
  const port = await freePort();
  writeFileSync(
    config,
    JSON.stringify({ apps: [{ name: 't', script: appFixture, instances: 1, port, serverTiming: true }] }),
  );
  await hive.json(['start', config]);
  const timing = async (at: number) => {
    const { headers, body } = await request(`http://127.0.0.1:${at}/`, { headers: { 'x-request-id': 'cfg-1' } });
    await body.text();
    return headers['server-timing'];
  };
  assert.match(String(await timing(port)), /^total;dur=[\d.]+;desc="instance 0, pid \d+, request cfg-1"$/);

  const plainPort = await freePort();
  await hive.json(['start', appFixture, '-i', '1', '--name', 'plain', '--port', String(plainPort)]);
  assert.equal(await timing(plainPort), undefined, 'off unless asked');
  const flagPort = await freePort();
  await hive.json(['start', appFixture, '-i', '1', '--name', 'flag', '--port', String(flagPort), '--server-timing']);
  assert.match(String(await timing(flagPort)), /request cfg-1"$/);

  writeFileSync(
    config,
    JSON.stringify({
      apps: [{ name: 'g', script: daemonFixture('ticker.sh'), interpreter: 'none', serverTiming: true }],
    }),
  );
  const fork = await hive.run(['start', config]);
  assert.equal(fork.code, 1);
  assert.match(fork.stderr, /apps\[0\] \(g\)\.serverTiming: a fork-mode app/);
  await hive.json(['delete', 'all']);
});
