import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import type { HiveSnapshot, SampledRequest } from '../../dist/dashboard/index.js';
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

/** One HTTP/2 GET on `session`: its status, headers and body. */
function h2Get(
  session: http2.ClientHttp2Session,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http2.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path, ...headers });
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (answer) => {
      stream.on('data', (chunk: string) => {
        text += chunk;
      });
      stream.on('end', () => resolve({ status: Number(answer[':status']), headers: answer, text }));
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

test('an HTTP/2 app of the compatibility API: request context, sampled requests, Server-Timing; HTTP/1 on it too; a stream-API app keeps no compatibility layer', async () => {
  const { key, cert } = makeCertificate(dir);
  const ca = readFileSync(cert);
  const [port, tlsPort, streamPort] = [await freePort(), await freePort(), await freePort()];
  const hive = startHive([app, '-i', '1', '--port', String(port), '--server-timing', '--dashboard', '127.0.0.1:0'], {
    TLS_KEY: key,
    TLS_CERT: cert,
    TLS_PORT: String(tlsPort),
    STREAM_PORT: String(streamPort),
    HIVE_REQUEST_SAMPLES: '20',
  });
  const dashboard = (await hive.waitFor(isEvent('dashboard'), 'the dashboard address')).url as string;
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  const timing = (id: string) => new RegExp(`^total;dur=\\d+(\\.\\d)?;desc="instance 0, pid \\d+, request ${id}"$`);

  const session = http2.connect(`http://127.0.0.1:${port}`);
  const secure = http2.connect(`https://127.0.0.1:${tlsPort}`, { ca });
  const streamApi = http2.connect(`http://127.0.0.1:${streamPort}`);
  const agent = new Agent({ connect: { ca } });
  const seen = new Map<string, SampledRequest>();
  const kinds = ['h2c-', 'h2s-', 'h1-'];
  try {
    // requestId() without the request, after an await in the handler, and the header on the response (the handler's
    // res.end() writes it implicitly).
    for (const [client, id] of [
      [session, 'h2c-1'],
      [secure, 'h2s-1'],
    ] as const) {
      const answer = await h2Get(client, '/request-id', { 'x-request-id': id });
      assert.deepEqual(JSON.parse(answer.text), { current: id, of: id });
      assert.match(String(answer.headers['server-timing']), timing(id));
    }
    const explicit = await h2Get(session, '/explicit', { 'x-request-id': 'h2c-explicit' });
    assert.equal(explicit.text, 'explicit');
    assert.match(String(explicit.headers['server-timing']), timing('h2c-explicit'));
    // HTTP/1.1 on the secure HTTP/2 server: node:http's response, given the header once.
    const http1 = await request(`https://127.0.0.1:${tlsPort}/request-id`, {
      dispatcher: agent,
      headers: { 'x-request-id': 'h1-1' },
    });
    assert.deepEqual(JSON.parse(await http1.body.text()), { current: 'h1-1', of: 'h1-1' });
    assert.match(String(http1.headers['server-timing']), timing('h1-1'));

    // The stream-API app: no 'request' listener was added, so node made no request objects for its streams.
    const stream = await h2Get(streamApi, '/', { 'x-request-id': 'stream-1' });
    assert.deepEqual(JSON.parse(stream.text), { requestListeners: 0, compat: false, id: null });
    assert.equal(stream.headers['server-timing'], undefined);

    // The dashboard's waterfall: each kind of request is sampled.
    const has = (prefix: string) => [...seen.keys()].some((id) => id.startsWith(prefix));
    for (let round = 2; !kinds.every(has); round++) {
      assert.ok(round < 30, `not every kind sampled: ${JSON.stringify([...seen.values()])}`);
      await h2Get(session, '/request-id', { 'x-request-id': `h2c-${round}` });
      await h2Get(secure, '/request-id', { 'x-request-id': `h2s-${round}` });
      const again = await request(`https://127.0.0.1:${tlsPort}/request-id`, {
        dispatcher: agent,
        headers: { 'x-request-id': `h1-${round}` },
      });
      await again.body.text();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const { body } = await request(`${dashboard}api/snapshot`, { reset: true });
      const snapshot = JSON.parse(await body.text()) as HiveSnapshot;
      for (const sample of snapshot.apps[0]?.requests ?? []) seen.set(sample.id, sample);
    }
  } finally {
    session.close();
    secure.close();
    streamApi.close();
    await agent.close();
  }
  for (const prefix of kinds) {
    const sample = [...seen.values()].find((s) => s.id.startsWith(prefix)) as SampledRequest;
    assert.equal(sample.method, 'GET', JSON.stringify(sample));
    assert.equal(sample.path, '/request-id', JSON.stringify(sample));
    assert.equal(sample.status, 200, JSON.stringify(sample));
    assert.equal(sample.instance, 0, JSON.stringify(sample));
  }
  assert.ok(![...seen.keys()].some((id) => id.startsWith('stream-')), 'a stream-API request is not sampled');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
