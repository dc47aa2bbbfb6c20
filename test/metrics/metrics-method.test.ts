// The metrics endpoint answered a method it does not take with a 405 that named none: RFC 9110 (15.5.6) has a 405
// carry Allow, as the dashboard's does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { startMetricsServer } from '../../dist/metrics/metrics-server.js';

test('a method other than GET or HEAD gets 405 with Allow: GET, HEAD, on every path', async (t) => {
  const server = await startMetricsServer({
    port: 0,
    metrics: async () => 'up 1\n',
    contentType: 'text/plain; version=0.0.4',
    ready: () => true,
  });
  t.after(() => server.close());
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
