import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HttpCounter } from '../../dist/runtime/http-counter.js';
import { poll } from '../poll.js';

// The counter sits on every request of every app process: it adds no 'request' listener (a second one makes node's
// emit copy the listener list per request), it counts through the server's emit, and every other event passes through.
test('HttpCounter on an HTTP/1 server: counts by status class with the app as the only request listener', async () => {
  const server = http.createServer((req, res) => {
    res.statusCode = req.url === '/missing' ? 404 : 200;
    res.end('ok');
  });
  const counter = new HttpCounter();
  counter.watch(server);
  assert.equal(server.listenerCount('request'), 1);
  const events: unknown[] = [];
  server.on('custom', (...args: unknown[]) => events.push(args));
  server.emit('custom', 1, 2, 3, 4);
  assert.deepEqual(events, [[1, 2, 3, 4]], 'another event keeps all its arguments');
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const path of ['/', '/', '/missing']) await (await fetch(base + path)).text();
    await poll(
      () => counter.inFlight === 0 && counter.classes[1] + counter.classes[3] === 3,
      'three counted responses',
    );
    const report = counter.take();
    assert.deepEqual([report.classes[1], report.classes[3], report.inFlight, report.aborted], [2, 1, 0, 0]);
    assert.ok(report.latencyP99 > 0);
    // The app can still remove its own listener: requests then meet none, as without Hive.
    server.removeAllListeners('request');
    assert.equal(server.listenerCount('request'), 0);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

// An APM started after the app listened patches http.Server.prototype.emit: the counted server must still go through
// it (a copy of emit taken at listen() would skip it). A subclass stands in for the prototype, so no global is touched.
test('HttpCounter: a patch of the server prototype emit made after watch() still sees every event', async () => {
  class AppServer extends http.Server {}
  const server = new AppServer((_req, res) => res.end('ok'));
  const counter = new HttpCounter();
  counter.watch(server);
  const seen: (string | symbol)[] = [];
  const original = AppServer.prototype.emit;
  AppServer.prototype.emit = function patched(this: AppServer, event: string | symbol, ...args: unknown[]) {
    seen.push(event);
    return Reflect.apply(original, this, [event, ...args]);
  } as typeof original;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text();
    await poll(() => counter.inFlight === 0 && counter.classes[1] === 1, 'one counted response');
    assert.ok(seen.includes('request'), `the patch saw ${seen.map(String).join(', ')}`);
    assert.ok(seen.includes('connection'));
  } finally {
    server.close();
    server.closeAllConnections();
  }
});
