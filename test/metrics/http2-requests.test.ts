import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import { freePort, isEvent, killAll, startHive, until } from '../cluster/helpers.js';
import { makeCertificate } from '../tls-certificate.js';
import { parsePrometheusText, sum } from './prometheus-text.js';

const app = new URL('../fixtures/metrics/h2-app.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hive-h2-metrics-'));

after(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** One HTTP/2 request on `session`; resolves with its status. */
function h2(session: http2.ClientHttp2Session, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path });
    stream.on('response', (headers) => {
      stream.resume();
      stream.on('end', () => resolve(Number(headers[':status'])));
    });
    stream.on('error', reject);
    stream.end();
  });
}

test('HTTP/2 requests are counted: status classes, a cancelled stream as aborted, HTTP/1 on an allowHTTP1 server', async () => {
  const { key, cert } = makeCertificate(dir);
  const ca = readFileSync(cert);
  const port = await freePort();
  const tlsPort = await freePort();
  const hive = startHive([app, '-i', '1', '--port', String(port), '--metrics-port', '0'], {
    TLS_KEY: key,
    TLS_CERT: cert,
    TLS_PORT: String(tlsPort),
  });
  const metrics = (await hive.waitFor(isEvent('metrics'), 'the metrics port')).url as string;
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  const scrape = async () => {
    const { body } = await request(`${metrics}/metrics`, { reset: true });
    return parsePrometheusText(await body.text()).samples;
  };

  const session = http2.connect(`http://127.0.0.1:${port}`);
  const secure = http2.connect(`https://127.0.0.1:${tlsPort}`, { ca });
  try {
    for (let i = 0; i < 5; i++) assert.equal(await h2(session, '/'), 200);
    assert.equal(await h2(session, '/missing'), 404);
    assert.equal(await h2(secure, '/'), 200);
    // Never answered: cancelled by the client once the server counts it in flight.
    const hang = session.request({ ':path': '/hang' });
    hang.end();
    await until(async () => sum(await scrape(), 'http_requests_in_flight') === 1, 'the hanging request in flight');
    hang.close(http2.constants.NGHTTP2_CANCEL);
  } finally {
    session.close();
    secure.close();
  }
  // HTTP/1.1 on the secure server, which allows it.
  const agent = new Agent({ connect: { ca } });
  const http1 = await request(`https://127.0.0.1:${tlsPort}/missing`, { dispatcher: agent });
  assert.equal(await http1.body.text(), 'HTTP/1.1');
  await agent.close();

  await until(async () => {
    const samples = await scrape();
    return (
      sum(samples, 'http_requests_total', { code_class: '2xx' }) === 6 &&
      sum(samples, 'http_requests_total', { code_class: '4xx' }) === 2 &&
      sum(samples, 'http_requests_aborted_total') === 1 &&
      sum(samples, 'http_requests_in_flight') === 0
    );
  }, '6 2xx, 2 4xx (one of them HTTP/1.1), 1 aborted, none in flight');
  // The response times of HTTP/2 streams are in the histogram by their :method, as HTTP/1's are; the aborted one not.
  const samples = await scrape();
  const durations = (labels: Record<string, string>) => sum(samples, 'http_request_duration_seconds_count', labels);
  assert.equal(durations({ method: 'GET', code_class: '2xx' }), 6);
  assert.equal(durations({ method: 'GET', code_class: '4xx' }), 2);
  assert.equal(durations({}), 8);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
