import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, test } from 'node:test';
import { freePort, type Hive, isEvent, killAll, rawRequest, startHive } from '../cluster/helpers.js';

const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;

after(killAll);

/** GET `path` on 127.0.0.1:`port` with this Host header (and `headers`); the status. */
function statusFor(port: number, path: string, host: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { ...headers, host }, agent: false }, (res) => {
      res.resume();
      // A browser may not run the text as a script a page of another site loads.
      if (res.headers['x-content-type-options'] !== 'nosniff') reject(new Error(`${path}: no nosniff`));
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The status line of an HTTP/1.0 GET of `path` without a Host header (a health checker's, HAProxy's httpchk). */
async function statusWithoutHost(port: number, path: string): Promise<string> {
  return (await rawRequest(port, `GET ${path} HTTP/1.0\r\n\r\n`)).split('\r\n', 1)[0]!;
}

async function metricsPort(extra: string[]): Promise<{ port: number; hive: Hive }> {
  const hive = startHive([app, '-i', '1', '--port', String(await freePort()), '--metrics-port', '0', ...extra]);
  const listening = await hive.waitFor(isEvent('metrics'), 'the metrics port');
  return { port: Number(new URL(listening.url as string).port), hive };
}

/** The primary's warnings that name the metrics endpoint (a record each in JSON, which the daemon logs). */
function exposedWarnings(hive: Hive): string[] {
  return hive.records
    .filter((r) => r.type === 'warning' && String(r.message).includes('metrics endpoint'))
    .map((r) => String(r.message));
}

test('bound to loopback, the metrics endpoint refuses a foreign Host (DNS rebinding) as the dashboard does', async () => {
  const { port, hive } = await metricsPort([]);
  for (const path of ['/metrics', '/healthz']) {
    assert.equal(await statusFor(port, path, 'rebind.example:80'), 403, path);
    assert.equal(await statusFor(port, path, `localhost:${port}`), 200, path);
    assert.equal(await statusFor(port, path, `127.0.0.1:${port}`), 200, path);
    assert.equal(await statusFor(port, path, `[::1]:${port}`), 200, path);
    // Host names are case-insensitive, and a fully qualified one may end with a dot.
    assert.equal(await statusFor(port, path, `LOCALHOST:${port}`), 200, path);
    assert.equal(await statusFor(port, path, `localhost.:${port}`), 200, path);
    assert.equal(await statusFor(port, path, 'rebind.example.'), 403, path);
    // Malformed Host values that a loose reading took for loopback.
    for (const host of ['[::1]evil.example', `[::1].evil.example:${port}`, `127.0.0.1:${port}@evil.example`]) {
      assert.equal(await statusFor(port, path, host), 403, `${path} ${host}`);
    }
    // No Host at all: not a browser (which always sends one), so not a DNS-rebinding page.
    assert.match(await statusWithoutHost(port, path), /^HTTP\/1\.[01] 200 /, path);
  }
  // Only this machine reaches it: nothing to warn of (the warning goes out with the metrics record, long before).
  assert.deepEqual(exposedWarnings(hive), []);
});

test('bound to every interface, the metrics endpoint answers any Host, but no page of another site', async () => {
  const { port, hive } = await metricsPort(['--metrics-host', '0.0.0.0']);
  assert.equal(await statusFor(port, '/metrics', 'pod-10-1-2-3.example:9464'), 200);
  assert.equal(await statusFor(port, '/healthz', '10.1.2.3'), 200);
  // Whatever the address, a page of another site is refused: its <script src> or <img> was a full scrape of every
  // process for it.
  const host = `127.0.0.1:${port}`;
  for (const path of ['/metrics', '/healthz']) {
    for (const headers of [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
      { origin: 'https://evil.example' },
    ] as Record<string, string>[]) {
      assert.equal(await statusFor(port, path, host, headers), 403, `${path} ${JSON.stringify(headers)}`);
    }
    // Prometheus, curl and health checkers send neither header; a page opened from the address bar says `none`.
    assert.equal(await statusFor(port, path, host), 200, path);
    assert.equal(await statusFor(port, path, host, { 'sec-fetch-site': 'none' }), 200, path);
    assert.equal(await statusFor(port, path, host, { origin: `http://${host}` }), 200, path);
  }
  // Any machine that reaches the port reads it, and it takes no token: said once, at start, with the way to close it.
  const warnings = exposedWarnings(hive);
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.match(
    warnings[0]!,
    new RegExp(`http://0\\.0\\.0\\.0:${port} .*no authentication.*--metrics-host 127\\.0\\.0\\.1`),
  );
});

test('bound to an IPv6 address, the metrics endpoint is announced with it bracketed, and answers there', async () => {
  const hive = startHive([
    app,
    '-i',
    '1',
    '--port',
    String(await freePort()),
    '--metrics-port',
    '0',
    '--metrics-host',
    '[::1]',
  ]);
  const listening = await hive.waitFor(isEvent('metrics'), 'the metrics port');
  const url = new URL(listening.url as string);
  assert.equal(url.hostname, '[::1]');
  assert.equal((await fetch(new URL('/healthz', url))).status, 200);
  assert.deepEqual(exposedWarnings(hive), []);
});
