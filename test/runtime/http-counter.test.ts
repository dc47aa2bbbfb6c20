import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HttpCounter } from '../../dist/runtime/http-counter.js';
import { poll } from '../poll.js';

// The counter sits on every request of every app process: it adds no 'request' listener (a second one makes node's
// emit copy the listener list per request) and does not touch emit: it counts from node's diagnostics channels.
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

async function listening(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Runs `body` with a new HttpCounter watching `server` and a raw socket connected to it, then closes the server. */
async function withRawSocket(
  server: http.Server,
  body: (socket: net.Socket, counter: HttpCounter) => Promise<void>,
): Promise<void> {
  const counter = new HttpCounter();
  counter.watch(server);
  const port = await listening(server);
  try {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    await body(socket, counter);
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

// Per connection, the requests started and not answered when it closes are the aborted ones: a request whose client
// left, and the pipelined request queued behind it, count once each, and in flight returns to 0.
test('HttpCounter: requests a closed connection took with it count as aborted, answered ones as finished', async () => {
  let held = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/hold') held++;
    else res.end('ok');
  });
  await withRawSocket(server, async (socket, counter) => {
    // Pipelined: answered, held (the app never answers), then one queued behind the held one.
    socket.write(
      'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /hold HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    await poll(() => held === 1 && counter.inFlight === 2, 'one answered, two in flight');
    socket.destroy();
    await poll(() => counter.inFlight === 0, 'in flight back to 0');
    const report = counter.take();
    assert.deepEqual([report.classes[1], report.aborted, report.inFlight], [1, 2, 0]);
  });
});

// Node answers 'Expect: 100-continue' through 'checkContinue', not 'request': such requests count too, and each server
// counts into its own counter.
test('HttpCounter: checkContinue requests count, and two servers keep separate counts', async () => {
  const one = http.createServer((_req, res) => res.end('one'));
  const two = http.createServer((_req, res) => res.end('two'));
  one.on('checkContinue', (_req, res) => {
    res.statusCode = 417;
    res.end();
  });
  const counters = [new HttpCounter(), new HttpCounter()] as const;
  counters[0].watch(one);
  counters[1].watch(two);
  const ports = [await listening(one), await listening(two)];
  try {
    const expectation = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        port: ports[0],
        host: '127.0.0.1',
        method: 'POST',
        headers: { expect: '100-continue' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(expectation, 417);
    for (let i = 0; i < 3; i++) await (await fetch(`http://127.0.0.1:${ports[1]}/`)).text();
    await poll(() => counters[0].classes[3] === 1 && counters[1].classes[1] === 3, 'both servers counted');
    assert.deepEqual(counters[0].take().classes, [0, 0, 0, 1, 0]);
    assert.deepEqual(counters[1].take().classes, [0, 3, 0, 0, 0]);
  } finally {
    for (const server of [one, two]) {
      server.close();
      server.closeAllConnections();
    }
  }
});

// An 'Expect' other than 100-continue, with no 'checkExpectation' listener: node answers 417 itself, and the app never
// sees the request. It is still a request answered, so it counts, and does not stay in flight.
test('HttpCounter: the 417 node sends itself for an unknown Expect counts, and leaves nothing in flight', async () => {
  const server = http.createServer((_req, res) => res.end('ok'));
  await withRawSocket(server, async (socket, counter) => {
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
    });
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n');
    await poll(() => reply.startsWith('HTTP/1.1 417'), 'the 417');
    await poll(() => counter.inFlight === 0 && counter.classes[3] === 1, 'the 417 counted');
    const report = counter.take();
    assert.deepEqual([report.classes[3], report.inFlight, report.aborted], [1, 0, 0]);
    socket.destroy();
  });
});

// Pipelined requests the app answers out of order: node still sends the responses in order, and each request counts
// once, in its own method and status class, with nothing left in flight.
test('HttpCounter: pipelined requests answered out of order each count in their method and status class', async () => {
  let slow: http.ServerResponse | undefined;
  let answered = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') {
      slow = res;
      return;
    }
    res.statusCode = req.method === 'DELETE' ? 500 : 404;
    res.end('x');
    if (++answered === 2) {
      slow!.statusCode = 201;
      slow!.end('done');
    }
  });
  await withRawSocket(server, async (socket, counter) => {
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
    });
    socket.write(
      'POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n' +
        'GET /missing HTTP/1.1\r\nHost: x\r\n\r\n' +
        'DELETE / HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    await poll(
      () => counter.inFlight === 0 && counter.classes[1] + counter.classes[3] + counter.classes[4] === 3,
      'three counted',
    );
    const statuses = [...reply.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['201', '404', '500'], 'node sends the responses in request order');
    const report = counter.take();
    assert.deepEqual([report.classes, report.inFlight, report.aborted], [[0, 1, 0, 1, 1], 0, 0]);
    const pairs = report.durations?.map((d) => `${d.method} ${d.codeClass} ${d.count}`).sort();
    assert.deepEqual(pairs, ['DELETE 5xx 1', 'GET 4xx 1', 'POST 2xx 1']);
    socket.destroy();
  });
});
