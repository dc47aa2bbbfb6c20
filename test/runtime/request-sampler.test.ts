import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { request } from 'undici';
import { trackRequests, untrackRequests } from '../../dist/runtime/request-context.js';
import { RequestSampler } from '../../dist/runtime/request-sampler.js';
import { ServerTracker } from '../../dist/runtime/server-tracker.js';

// Sampling is off until a dashboard asks for it: the sampler must then cost requests nothing, not even a listener.
test('RequestSampler: no request listener while off; samples the slowest while on; off again detaches', async () => {
  const server = createServer((req, res) => {
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(() => res.end('ok'), ms);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const tracker = new ServerTracker();
  tracker.track(server);
  const sampler = new RequestSampler(0);
  sampler.watch(server);
  const get = async (path: string) => {
    const { body } = await request(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    await body.text();
  };
  try {
    assert.equal(server.listenerCount('request'), 1, 'only the app listens while sampling is off');

    trackRequests(tracker, 'sampling', { timeline: true });
    sampler.resize(2);
    assert.equal(server.listenerCount('request'), 3, 'the request context and the sampler listen while on');
    sampler.resize(3);
    assert.equal(server.listenerCount('request'), 3, 'resizing while on adds no second listener');
    await Promise.all([get('/?ms=1'), get('/?ms=80'), get('/?ms=40'), get('/?ms=0')]);
    const kept = sampler.take();
    assert.deepEqual(
      kept.map((s) => s.path),
      ['/', '/', '/'],
    );
    assert.ok(kept[0] && kept[0].totalMs >= 79, `slowest first: ${JSON.stringify(kept)}`);
    assert.ok(kept[1] && kept[1].totalMs >= 39 && kept[1].totalMs <= kept[0].totalMs, JSON.stringify(kept));

    sampler.resize(0);
    untrackRequests('sampling', { timeline: true });
    assert.equal(server.listenerCount('request'), 2, "the sampler's listener is gone (the context's stays, idle)");
    await get('/?ms=5');
    assert.deepEqual(sampler.take(), [], 'nothing is sampled while off');
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

// A 'request' listener on an HTTP/2 server turns node's compatibility layer on for its every stream: the runtime adds
// one only to a server that has one of its own (at its listen, or from when the app adds it).
test('ServerTracker#onRequestServer: HTTP/1 servers, and HTTP/2 ones only with a request listener of their own', async () => {
  const compat = http2.createServer((_req, res) => res.end());
  const streamApi = http2.createServer();
  streamApi.on('stream', (stream) => stream.respond());
  const late = http2.createServer();
  const h1 = createServer();
  const tracker = new ServerTracker();
  for (const server of [compat, streamApi, late, h1]) tracker.track(server);
  const given: unknown[] = [];
  const runtime = () => {};
  tracker.onRequestServer((server) => {
    given.push(server);
    server.prependListener('request', runtime);
  });
  assert.deepEqual(given, [compat, h1]);
  assert.equal(streamApi.listenerCount('request'), 0, 'the stream-API server gets no request listener');
  assert.equal(late.listenerCount('request'), 0);
  const own = () => {};
  late.on('request', own);
  assert.deepEqual(given, [compat, h1, late], 'a server is given as it gets its first request listener');
  assert.deepEqual(late.listeners('request'), [runtime, own], "the runtime's listener goes before the app's");
});
