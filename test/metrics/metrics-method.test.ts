// The metrics endpoint answered a method it does not take with a 405 that named none: RFC 9110 (15.5.6) has a 405
// carry Allow, as the dashboard's does. And it read an absolute-form request target (RFC 9112 3.2.2, which a server
// must take) as a path, answering 404.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { type TestContext, test } from 'node:test';
import { request } from 'undici';
import { type MetricsServer, startMetricsServer } from '../../dist/metrics/metrics-server.js';

/** A metrics endpoint on a free loopback port serving `up 1`, closed after the test. */
async function endpoint(t: TestContext): Promise<MetricsServer> {
  const server = await startMetricsServer({
    port: 0,
    metrics: async () => 'up 1\n',
    contentType: 'text/plain; version=0.0.4',
    ready: () => true,
  });
  t.after(() => server.close());
  return server;
}

test('a method other than GET or HEAD gets 405 with Allow: GET, HEAD, on every path', async (t) => {
  const server = await endpoint(t);
  for (const path of ['/metrics', '/healthz', '/readyz', '/nope']) {
    for (const method of ['DELETE', 'POST', 'PUT'] as const) {
      const answer = await request(`http://127.0.0.1:${server.port}${path}`, { method, reset: true });
      await answer.body.text();
      assert.equal(answer.statusCode, 405, `${method} ${path}`);
      assert.equal(answer.headers.allow, 'GET, HEAD', `${method} ${path}`);
    }
  }
  const got = await request(`http://127.0.0.1:${server.port}/metrics`, { reset: true });
  assert.equal(await got.body.text(), 'up 1\n');
});

/** The status line of `head` sent as it is to 127.0.0.1:`port`. */
function statusLine(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(head));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text.split('\r\n', 1)[0]!));
  });
}

test('an absolute-form request target is served as its path; a target URL cannot read is a 400', async (t) => {
  const server = await endpoint(t);
  const at = `127.0.0.1:${server.port}`;
  const get = (target: string) => `GET ${target} HTTP/1.1\r\nHost: ${at}\r\nConnection: close\r\n\r\n`;
  assert.match(await statusLine(server.port, get(`http://${at}/metrics`)), /^HTTP\/1\.1 200 /);
  assert.match(await statusLine(server.port, get(`http://${at}/readyz?x=1`)), /^HTTP\/1\.1 200 /);
  assert.match(await statusLine(server.port, get('/metrics?name=up')), /^HTTP\/1\.1 200 /);
  assert.match(await statusLine(server.port, get('//[')), /^HTTP\/1\.1 400 /);
});
