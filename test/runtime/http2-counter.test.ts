import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HttpCounter } from '../../dist/runtime/http-counter.js';

// An app on the HTTP/2 stream API must keep it: a 'request' listener would switch node's compatibility layer on
// (objects per stream, automatic 405 to CONNECT and 417 to Expect), so the counter adds none (HTTP/1 requests of an
// allowHTTP1 server reach it through node's diagnostics channels).
test('HttpCounter on an HTTP/2 server: counts streams, and adds no request listener to a stream-API app', async () => {
  const server = http2.createServer();
  const counter = new HttpCounter();
  counter.watchHttp2(server);
  server.on('stream', (stream, headers) => {
    stream.respond({ ':status': headers[':path'] === '/missing' ? 404 : 200 });
    stream.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const session = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    for (const path of ['/', '/missing']) {
      const stream = session.request({ ':path': path });
      stream.end();
      stream.resume();
      await once(stream, 'close');
    }
    assert.equal(server.listenerCount('request'), 0, 'no compatibility layer for a stream-API app');
    // The server side closes its streams a moment after the client sees the end.
    for (let i = 0; i < 100 && counter.inFlight > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const report = counter.take();
    assert.deepEqual([report.classes[1], report.classes[3], report.inFlight, report.aborted], [1, 1, 0, 0]);

    server.on('request', () => {});
    assert.equal(server.listenerCount('request'), 1, 'the app is the only request listener');
  } finally {
    session.close();
    server.close();
  }
});
