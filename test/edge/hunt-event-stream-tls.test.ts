// Server-Sent Events over HTTPS with HTTP/1.1 (Node's https and fetch, curl --http1.1, Python, any EventSource
// polyfill; every client of a site with tls.http2 off): with proxy_buffering on, nginx passed the app's writes to its
// TLS layer without a flush, and the TLS layer holds what it gets until 16k (ssl_buffer_size) have gathered or the
// response ends, so the client got neither the headers nor any event of an open stream. Plain HTTP and HTTP/2 were
// not affected (nginx-streaming covers plain HTTP). An event-stream request (`Accept: text/event-stream`, as every
// EventSource sends) is now proxied unbuffered; it stays under the site's rate limit.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { after, before, test } from 'node:test';
import { poll } from '../poll.js';
import { type EventStreamUpstream, startEventStreamUpstream } from './event-stream-upstream.js';
import { freePort, makeCertificate, makePrefix, nginxSkip, type ProxiedSite, startProxy } from './nginx-harness.js';

const skip = nginxSkip();
let upstream: EventStreamUpstream | undefined;
let proxy: ProxiedSite | undefined;
let certDir = '';
let ca = '';
let https = 0;

before(async () => {
  if (skip) return;
  upstream = await startEventStreamUpstream();
  certDir = await makePrefix();
  const files = makeCertificate(certDir);
  ca = await readFile(files.cert, 'utf8');
  https = await freePort();
  proxy = await startProxy({
    upstream: { hosts: upstream.hosts },
    tls: { ...files, port: https, redirect: false },
    // One request per minute and no burst: the second request of this file is over the limit.
    rateLimit: { rate: '1r/m', burst: 0 },
  });
});

after(async () => {
  await proxy?.stop();
  await upstream?.close();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

/** Opens GET /events over HTTPS with HTTP/1.1 and collects what arrives. */
function openStream() {
  const state = { status: 0, headers: {} as IncomingMessage['headers'], received: '', ended: false, error: '' };
  const req = request(
    {
      host: '127.0.0.1',
      port: https,
      path: '/events',
      ca,
      servername: 'localhost',
      agent: false,
      headers: { accept: 'text/event-stream' },
    },
    (res) => {
      state.status = res.statusCode ?? 0;
      state.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        state.received += chunk;
      });
      res.on('end', () => {
        state.ended = true;
      });
    },
  );
  // A connection torn down at the end of the file is no failure of its own; a test that waits on it fails by name.
  req.on('error', (error) => {
    state.error = error.message;
  });
  req.end();
  return state;
}

test('each event reaches an HTTP/1.1 client over TLS while the stream stays open', { skip }, async () => {
  const stream = openStream();
  await poll(() => stream.received.includes('data: one\n\n'), 'the first event through nginx over TLS');
  assert.equal(stream.status, 200);
  assert.equal(stream.headers['content-type'], 'text/event-stream');
  upstream!.streams[0]!.write('data: two\n\n');
  await poll(() => stream.received.includes('data: two\n\n'), 'the second event through nginx over TLS');
  assert.equal(stream.ended, false);
  upstream!.streams[0]!.end();
  await poll(() => stream.ended, 'the end of the stream');
});

test('an event-stream request stays under the rate limit, answered 429 with Retry-After', { skip }, async () => {
  const stream = openStream();
  await poll(() => stream.ended, 'the answer past the rate limit');
  assert.equal(stream.status, 429);
  assert.equal(stream.headers['retry-after'], '60');
  assert.equal(upstream!.streams.length, 1, 'the limited request never reached the app');
});
