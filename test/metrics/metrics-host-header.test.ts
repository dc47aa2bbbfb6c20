import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, test } from 'node:test';
import { freePort, isEvent, killAll, rawRequest, startHive } from '../cluster/helpers.js';

const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;

after(killAll);

/** GET `path` on 127.0.0.1:`port` with this Host header; the status. */
function statusFor(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      res.resume();
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

async function metricsPort(extra: string[]): Promise<number> {
  const hive = startHive([app, '-i', '1', '--port', String(await freePort()), '--metrics-port', '0', ...extra]);
  const listening = await hive.waitFor(isEvent('metrics'), 'the metrics port');
  return Number(new URL(listening.url as string).port);
}

test('bound to loopback, the metrics endpoint refuses a foreign Host (DNS rebinding) as the dashboard does', async () => {
  const port = await metricsPort([]);
  for (const path of ['/metrics', '/healthz']) {
    assert.equal(await statusFor(port, path, 'rebind.example:80'), 403, path);
    assert.equal(await statusFor(port, path, `localhost:${port}`), 200, path);
    assert.equal(await statusFor(port, path, `127.0.0.1:${port}`), 200, path);
    assert.equal(await statusFor(port, path, `[::1]:${port}`), 200, path);
    // Host names are case-insensitive, and a fully qualified one may end with a dot.
    assert.equal(await statusFor(port, path, `LOCALHOST:${port}`), 200, path);
    assert.equal(await statusFor(port, path, `localhost.:${port}`), 200, path);
    assert.equal(await statusFor(port, path, 'rebind.example.'), 403, path);
    // No Host at all: not a browser (which always sends one), so not a DNS-rebinding page.
    assert.match(await statusWithoutHost(port, path), /^HTTP\/1\.[01] 200 /, path);
  }
});

test('bound to every interface, the metrics endpoint answers any Host (Prometheus scrapes by pod IP or name)', async () => {
  const port = await metricsPort(['--metrics-host', '0.0.0.0']);
  assert.equal(await statusFor(port, '/metrics', 'pod-10-1-2-3.example:9464'), 200);
  assert.equal(await statusFor(port, '/healthz', '10.1.2.3'), 200);
});
