import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import { freePort, type Hive, isEvent, killAll, startHive } from '../cluster/helpers.js';
import { poll } from '../poll.js';
import { type Sample, sum } from './prometheus-text.js';
import { scrape } from './scrape.js';

const wsExample = new URL('../../examples/ws/server.ts', import.meta.url).pathname;
const upgradeApp = new URL('../fixtures/metrics/ws-upgrade-app.js', import.meta.url).pathname;

after(killAll);

async function startWithMetrics(app: string, extra: string[]): Promise<{ hive: Hive; base: string; port: number }> {
  const port = await freePort();
  // Reports every 200 ms, not every second: each count below is polled for until a report carries it.
  const reports = ['--memory-report-interval', '200ms'];
  const hive = startHive([
    app,
    '--port',
    String(port),
    '--metrics-port',
    '0',
    '--listen-timeout',
    '60s',
    ...reports,
    ...extra,
  ]);
  const listening = await hive.waitFor(isEvent('metrics'), 'the metrics port');
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 90_000);
  return { hive, base: listening.url as string, port };
}

/** Opens a WebSocket and resolves with it and its greeting (examples/ws says which process it reached). */
async function greeted(url: string, client: string): Promise<{ socket: WebSocket; instance?: number }> {
  const socket = new WebSocket(url, { headers: { 'x-client': client } });
  const [data] = (await once(socket, 'message')) as [Buffer];
  return { socket, instance: (JSON.parse(data.toString()) as { instance?: number }).instance };
}

async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map((socket) => {
      const closed = once(socket, 'close');
      socket.close();
      return closed;
    }),
  );
}

/** Polls the scrape until `check` holds of it; returns that scrape. */
function scrapeUntil(base: string, check: (samples: Sample[]) => boolean, what: string): Promise<Sample[]> {
  return poll(async () => {
    const samples = await scrape(base);
    return check(samples) ? samples : undefined;
  }, what);
}

for (const sticky of [[], ['--sticky', 'header:x-client']]) {
  const mode = sticky.length > 0 ? 'a sticky cluster' : 'a cluster';
  test(`http_upgraded_connections counts the WebSockets of each process of ${mode} (examples/ws), until they close`, async () => {
    const { hive, base, port } = await startWithMetrics(wsExample, ['-i', '2', ...sticky]);
    const clients = await Promise.all(
      Array.from({ length: 6 }, (_, i) => greeted(`ws://127.0.0.1:${port}/`, `client-${i}`)),
    );
    const perSlot = (slot: number) => clients.filter((c) => c.instance === slot).length;
    const samples = await scrapeUntil(
      base,
      (s) =>
        sum(s, 'http_upgraded_connections', { slot: '0' }) === perSlot(0) &&
        sum(s, 'http_upgraded_connections', { slot: '1' }) === perSlot(1),
      `6 upgraded connections, ${perSlot(0)} on slot 0 and ${perSlot(1)} on slot 1`,
    );
    assert.equal(sum(samples, 'http_upgraded_connections', { app: 'server' }), 6);
    // An upgraded connection is no longer an open HTTP connection.
    assert.equal(sum(samples, 'http_open_connections'), 0);

    // A kept-alive HTTP connection is one, until it closes.
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    const { body } = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent });
    await body.text();
    await scrapeUntil(base, (s) => sum(s, 'http_open_connections') === 1, 'one open HTTP connection');
    await agent.close();
    await scrapeUntil(base, (s) => sum(s, 'http_open_connections') === 0, 'no open HTTP connection');

    await closeAll(clients.map((c) => c.socket));
    const closed = await scrapeUntil(base, (s) => sum(s, 'http_upgraded_connections') === 0, 'no upgraded connection');
    assert.equal(closed.filter((s) => s.name === 'http_upgraded_connections').length, 2, 'one series per slot');

    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  });
}

test('an app that answers upgrades itself (ws noServer, re-emitted, refused) has each open WebSocket counted once', async () => {
  const { hive, base, port } = await startWithMetrics(upgradeApp, ['-i', '1']);
  const url = (path: string) => `ws://127.0.0.1:${port}${path}`;
  const clients = await Promise.all([
    greeted(url('/chat'), 'a'),
    greeted(url('/chat'), 'b'),
    // The app rewrites the URL and emits 'upgrade' again with the same socket.
    greeted(url('/legacy-chat'), 'c'),
  ]);
  // Refused: a 400, its socket destroyed.
  const refused = new WebSocket(url('/nope'));
  const error = await new Promise<Error>((resolve) => refused.once('error', resolve));
  assert.match(error.message, /400/);

  await scrapeUntil(base, (s) => sum(s, 'http_upgraded_connections') === 3, 'three upgraded connections');
  await closeAll(clients.map((c) => c.socket));
  await scrapeUntil(base, (s) => sum(s, 'http_upgraded_connections') === 0, 'no upgraded connection');

  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
