import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Agent, request } from 'undici';
import { freePort } from '../cluster/helpers.js';
import { appFixture, daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

type App = { name: string; metrics: string | null; outFile: string };

test('a config app with metricsPort serves Prometheus metrics; logFormat json writes JSON log lines', async () => {
  const app = { name: 'm', script: appFixture, instances: 2, metricsPort: 0, logFormat: 'json' };
  const config = hive.writeConfig([app], 'hive.config.json');
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
  const app = { name: 'f', script: daemonFixture('ticker.sh'), interpreter: 'none', metricsPort: 9464 };
  const config = hive.writeConfig([app], 'hive.config.json');
  const result = await hive.run(['start', config]);
  assert.equal(result.code, 2, 'bad input, as a bad flag');
  assert.match(result.stderr, /ERR_HIVE_CONFIG: .*hive\.config\.json: apps\[0\] \(f\)\.metricsPort: a fork-mode app/);
});

test('serverTiming in a config, and hive start --server-timing, put a Server-Timing header on the responses', async () => {
  const port = await freePort();
  const config = hive.writeConfig(
    [{ name: 't', script: appFixture, instances: 1, port, serverTiming: true }],
    'hive.config.json',
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
  assert.equal(fork.code, 2, 'bad input, as a bad flag');
  assert.match(fork.stderr, /apps\[0\] \(g\)\.serverTiming: a fork-mode app/);
  await hive.json(['delete', 'all']);
});

test('socket in a config (relative to the app folder), and hive start --socket, serve the app on a Unix socket', async () => {
  const config = hive.writeConfig(
    [{ name: 's', script: appFixture, instances: 1, socket: 'cfg.sock', socketMode: '666' }],
    'hive.config.json',
  );
  await hive.json(['start', config]);
  const viaSocket = async (socketPath: string) => {
    const agent = new Agent({ connect: { socketPath } });
    try {
      const { statusCode, body } = await request('http://app/', { dispatcher: agent });
      return { statusCode, reply: (await body.json()) as { version: string } };
    } finally {
      await agent.close();
    }
  };
  const configured = join(dir, 'cfg.sock');
  await waitFor(() => existsSync(configured) || undefined, 'the socket file');
  assert.equal((await viaSocket(configured)).reply.version, 'v1');
  // Each process sets the mode once it listens; the app may still be starting when `hive start` returns.
  await waitFor(() => (statSync(configured).mode & 0o777) === 0o666 || undefined, 'mode 666');

  const flagged = join(dir, 'flag.sock');
  await hive.json(['start', appFixture, '-i', '1', '--name', 'sf', '--socket', flagged]);
  await waitFor(() => existsSync(flagged) || undefined, 'the --socket file');
  assert.equal((await viaSocket(flagged)).statusCode, 200);
  await waitFor(() => (statSync(flagged).mode & 0o777) === 0o660 || undefined, 'the default mode, 660');
  await hive.json(['delete', 'all']);

  writeFileSync(
    config,
    JSON.stringify({
      apps: [{ name: 'g', script: daemonFixture('ticker.sh'), interpreter: 'none', socket: 'x.sock' }],
    }),
  );
  const fork = await hive.run(['start', config]);
  assert.equal(fork.code, 2, 'bad input, as a bad flag');
  assert.match(fork.stderr, /apps\[0\] \(g\)\.socket: a fork-mode app/);
});
