import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { freePort, type Hive, isEvent, killAll, startHive } from '../cluster/helpers.js';
import { poll } from '../poll.js';
import { makeCertificate } from '../tls-certificate.js';

after(killAll);

const fixture = (name: string): string => new URL(`../fixtures/runtime-review/${name}`, import.meta.url).pathname;

interface Reply {
  headers: string;
  body: string;
}

/** A raw HTTP/1.1 connection that reads every response until the server closes it. */
function rawClient(port: number) {
  const socket = connect(port, '127.0.0.1');
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<Reply[]>((resolve) => {
    socket.once('close', () => {
      const replies: Reply[] = [];
      let rest = buffer;
      for (;;) {
        const end = rest.indexOf('\r\n\r\n');
        if (end === -1) break;
        const headers = rest.slice(0, end).toLowerCase();
        const length = Number(/content-length: (\d+)/.exec(headers)?.[1] ?? 0);
        replies.push({ headers, body: rest.slice(end + 4, end + 4 + length) });
        rest = rest.slice(end + 4 + length);
      }
      resolve(replies);
    });
  });
  return {
    send(text: string): void {
      socket.write(text);
    },
    /** What the connection has received so far. */
    received: (): string => buffer,
    /** The responses read, once the server closed the connection. */
    closed,
  };
}

const getRequest = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
const logged = (line: string) => (r: { kind: string; line?: unknown }) => r.kind === 'log' && r.line === line;

/** Runs `script` (a runtime-review fixture) as one app process on a free port, with `flags` and `env`, until online. */
async function startApp(
  script: string,
  flags: string[] = [],
  env: Record<string, string> = {},
): Promise<{ hive: Hive; port: number }> {
  const port = await freePort();
  const hive = startHive([fixture(script), '-i', '1', '--port', String(port), ...flags], env);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  return { hive, port };
}

/** startApp for an HTTPS fixture: a self-signed certificate in TLS_KEY and TLS_CERT, removed after the test. */
async function startTlsApp(
  t: TestContext,
  script: string,
  flags: string[] = [],
): Promise<{ hive: Hive; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hive-runtime-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { cert, key } = makeCertificate(dir);
  return startApp(script, flags, { TLS_KEY: key, TLS_CERT: cert });
}

/** A TLS client (certificates not checked) and what it has received so far. */
function tlsReader(options: ConnectionOptions): { secure: TLSSocket; received: () => string } {
  const secure = tlsConnect({ ...options, rejectUnauthorized: false });
  secure.on('error', () => {});
  let received = '';
  secure.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
  });
  return { secure, received: () => received };
}

/** A raw connection whose first request (`/first`) the app took, with the drain (SIGTERM) begun under it. */
async function drainAfterFirstRequest(hive: Hive, port: number): Promise<ReturnType<typeof rawClient>> {
  const client = rawClient(port);
  client.send(getRequest('/first'));
  await hive.waitFor(logged('request /first'), 'the first request');
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  return client;
}

test('drain: requests pipelined before it are all answered, not dropped by a Connection: close on the first', async () => {
  const { hive, port } = await startApp('drain-app.js', ['--drain-idle-grace', '300ms']);
  const client = rawClient(port);
  client.send(getRequest('/slow?ms=800') + getRequest('/second'));
  await hive.waitFor(logged('request /second'), 'the app handed the pipelined request');
  hive.kill('SIGTERM');
  const replies = await client.closed;
  assert.deepEqual(
    replies.map((r) => r.body),
    ['served /slow?ms=800', 'served /second'],
  );
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: a request pipelined during it behind an in-flight response is answered, with Connection: close', async () => {
  const { hive, port } = await startApp('drain-app.js', ['--drain-idle-grace', '300ms']);
  const client = rawClient(port);
  client.send(getRequest('/slow?ms=1500'));
  await hive.waitFor(logged('request /slow?ms=1500'), 'the slow request in flight');
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  client.send(getRequest('/slow?ms=10'));
  const replies = await client.closed;
  assert.deepEqual(
    replies.map((r) => r.body),
    ['served /slow?ms=1500', 'served /slow?ms=10'],
  );
  assert.doesNotMatch(replies[0]!.headers, /connection: close/);
  assert.match(replies[1]!.headers, /connection: close/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

/** An HTTP/2 stream's whole body, once the stream has closed. */
async function streamText(stream: http2.ClientHttp2Stream): Promise<string> {
  stream.setEncoding('utf8');
  let body = '';
  stream.on('data', (chunk: string) => {
    body += chunk;
  });
  await once(stream, 'close');
  return body;
}

test('drain: an HTTP/2 server’s in-flight stream finishes before the process exits', async () => {
  const { hive, port } = await startApp('http2-app.js');
  const client = http2.connect(`http://127.0.0.1:${port}`);
  client.on('error', () => {});
  try {
    const body = streamText(client.request({ ':path': '/slow?ms=800' }));
    await hive.waitFor(logged('request /slow?ms=800'), 'the stream in flight');
    hive.kill('SIGTERM');
    assert.equal(await body, 'served /slow?ms=800');
    assert.deepEqual(await hive.exited, { code: 0, signal: null });
  } finally {
    client.destroy();
  }
});

// An HTTP/2 client preface and an empty SETTINGS frame: a session the server opens, from a client that then goes
// silent (reads nothing, never closes), as a phone off the network does.
const H2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

/** SIGTERMs `hive` with `silent` sessions open: the drain ends without killTimeout's SIGKILL, exit 0. */
async function drainsPastSilent(hive: Hive, silent: { destroy(): void }[]): Promise<void> {
  try {
    hive.kill('SIGTERM');
    const exit = await hive.waitFor((r) => r.kind === 'event' && r.type === 'exit', 'the process’s exit');
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });
    assert.equal(hive.records.filter((r) => r.kind === 'event' && r.type === 'killed').length, 0);
    assert.deepEqual(await hive.exited, { code: 0, signal: null });
  } finally {
    for (const socket of silent) socket.destroy();
  }
}

test('drain: an HTTP/2 session whose client went silent is closed after the idle grace, not held until SIGKILL; a stream in flight on another finishes', async () => {
  const { hive, port } = await startApp('http2-app.js', ['--drain-idle-grace', '300ms', '--kill-timeout', '20s']);
  const silent = connect(port, '127.0.0.1');
  silent.on('error', () => {});
  await once(silent, 'connect');
  silent.write(H2_PREFACE);
  silent.pause();
  const client = http2.connect(`http://127.0.0.1:${port}`);
  client.on('error', () => {});
  try {
    const body = streamText(client.request({ ':path': '/slow?ms=1500' }));
    await hive.waitFor(logged('request /slow?ms=1500'), 'the stream in flight');
    await drainsPastSilent(hive, [silent]);
    assert.equal(await body, 'served /slow?ms=1500');
  } finally {
    client.destroy();
  }
});

test('drain: a secure HTTP/2 session whose client went silent is closed after the idle grace, not held until SIGKILL', async (t) => {
  const { hive, port } = await startTlsApp(t, 'http2-secure-app.js', [
    '--drain-idle-grace',
    '300ms',
    '--kill-timeout',
    '20s',
  ]);
  const { secure } = tlsReader({ host: '127.0.0.1', port, ALPNProtocols: ['h2'] });
  await once(secure, 'secureConnect');
  secure.write(H2_PREFACE);
  secure.pause();
  await drainsPastSilent(hive, [secure]);
});

test('drain: a connection whose next request is still arriving (headers in pieces) is not closed as idle under it', async () => {
  const { hive, port } = await startApp('drain-app.js', ['--drain-idle-grace', '2s']);
  const client = await drainAfterFirstRequest(hive, port);
  // Its next request's head arrives a piece every 100 ms, from the drain's start to half a grace past its end: the
  // bytes of the first grace earn the connection one more, within which the head is whole.
  const start = Date.now();
  client.send('GET /pieces HTTP/1.1\r\nHost: x\r\nX-Pad: ');
  while (Date.now() - start < 3000) {
    await delay(100);
    client.send('p');
  }
  client.send('\r\n\r\n');
  const replies = await client.closed;
  assert.deepEqual(
    replies.map((r) => r.body),
    ['served /first', 'served /pieces'],
  );
  assert.match(replies[1]!.headers, /connection: close/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: an HTTPS connection accepted before it but still shaking hands is not cut by the exit; its request is answered', async (t) => {
  const { hive, port } = await startTlsApp(t, 'https-app.js');
  // The TCP connection is accepted now; the ClientHello only goes out once the drain has begun.
  const tcp = connect(port, '127.0.0.1');
  tcp.on('error', () => {});
  await once(tcp, 'connect');
  // Accepted by the app process itself (its primary hands connections over), not only queued in the primary.
  await hive.waitFor(logged('accepted'), 'the app process to accept the connection');
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  const { secure, received } = tlsReader({ socket: tcp });
  secure.write(getRequest('/late'));
  await once(secure, 'close');
  assert.match(received(), /connection: close/i);
  assert.match(received(), /served \/late$/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: an HTTP/1.1 request in flight on an HTTP/2 server with allowHTTP1 is answered before the process exits', async (t) => {
  const { hive, port } = await startTlsApp(t, 'http2-allow-http1-app.js');
  // A client that offers only HTTP/1.1: node's HTTP/1 code serves it, and no HTTP/2 session stands for it.
  const { secure, received } = tlsReader({ port, host: '127.0.0.1', ALPNProtocols: ['http/1.1'] });
  const closed = once(secure, 'close');
  secure.write(getRequest('/slow?ms=800'));
  await hive.waitFor(logged('request /slow?ms=800'), 'the request in flight');
  hive.kill('SIGTERM');
  await closed;
  assert.match(received(), /connection: close/i);
  assert.match(received(), /served \/slow\?ms=800$/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: an HTTP/1.1 keep-alive connection to an HTTP/2 server with allowHTTP1 gets Connection: close on its next request', async (t) => {
  // An idle grace longer than the test: the connection must close after its next response, not as idle.
  const flags = ['--drain-idle-grace', '60s', '--kill-timeout', '120s'];
  const { hive, port } = await startTlsApp(t, 'http2-allow-http1-app.js', flags);
  const { secure, received } = tlsReader({ port, host: '127.0.0.1', ALPNProtocols: ['http/1.1'] });
  secure.write(getRequest('/first'));
  await poll(() => received().endsWith('served /first'), 'the first response');
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  secure.write(getRequest('/next'));
  await poll(() => secure.destroyed, 'the connection to close after the next response');
  const [, next = ''] = received().split('served /first');
  assert.match(next, /connection: close/i);
  assert.match(next, /served \/next$/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: a request answered through the app’s checkContinue listener does not hold the drain until SIGKILL', async () => {
  const { hive, port } = await startApp('continue-app.js', ['--drain-idle-grace', '300ms', '--kill-timeout', '20s']);
  const client = await drainAfterFirstRequest(hive, port);
  client.send('POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nok');
  // Node's keep-alive timeout (5 s) would close the connection in the end: the drain must not wait for it.
  const replies = await client.closed;
  assert.match(replies.at(-1)!.headers, /connection: close/);
  assert.equal(replies.at(-1)!.body, 'continued /up');
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: an Expect request taken by the app’s own checkContinue or checkExpectation listener gets Connection: close, and its connection closes after it', async () => {
  // An idle grace longer than the test: each connection must close after its response, not as idle.
  const flags = ['--drain-idle-grace', '60s', '--kill-timeout', '120s'];
  const { hive, port } = await startApp('continue-app.js', flags);
  const continuing = rawClient(port);
  const expecting = rawClient(port);
  continuing.send(getRequest('/first-c'));
  expecting.send(getRequest('/first-e'));
  await hive.waitFor(logged('request /first-c'), 'the first request of one connection');
  await hive.waitFor(logged('request /first-e'), 'the first request of the other');
  await poll(() => continuing.received().endsWith('served /first-c'), 'the first response');
  await poll(() => expecting.received().endsWith('served /first-e'), 'the other first response');
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  const post = (path: string, expect: string) =>
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: ${expect}\r\n\r\nok`;
  continuing.send(post('/up?ms=0', '100-continue'));
  expecting.send(post('/up?ms=0', 'x-hive'));
  await poll(() => continuing.received().endsWith('continued /up?ms=0'), 'the checkContinue response');
  await poll(() => expecting.received().endsWith('expected /up?ms=0'), 'the checkExpectation response');
  const [, continued = ''] = continuing.received().split('served /first-c');
  const [, expected = ''] = expecting.received().split('served /first-e');
  assert.match(continued, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  assert.match(continued, /connection: close/i);
  assert.match(expected, /connection: close/i);
  assert.equal((await continuing.closed).length, 3);
  assert.equal((await expecting.closed).length, 2);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: an Expect request to an app with no checkContinue or checkExpectation listener keeps Node’s own answers (100 Continue, 417), with Connection: close', async () => {
  const flags = ['--drain-idle-grace', '60s', '--kill-timeout', '120s'];
  const { hive, port } = await startApp('drain-app.js', flags);
  const continuing = rawClient(port);
  const expecting = rawClient(port);
  continuing.send(getRequest('/first-c'));
  expecting.send(getRequest('/first-e'));
  await poll(() => continuing.received().endsWith('served /first-c'), 'the first response');
  await poll(() => expecting.received().endsWith('served /first-e'), 'the other first response');
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  const post = (expect: string) =>
    `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: ${expect}\r\n\r\nok`;
  continuing.send(post('100-continue'));
  expecting.send(post('x-hive'));
  // Node's 417 is chunked (an empty body), which the reply parser does not read: its raw text then.
  await poll(() => expecting.received().endsWith('0\r\n\r\n'), 'the 417');
  const [, refused = ''] = expecting.received().split('served /first-e');
  assert.match(refused, /^HTTP\/1\.1 417 Expectation Failed\r\n/);
  assert.match(refused, /connection: close/i);
  const [continued] = await Promise.all([continuing.closed, expecting.closed]);
  // Node's automatic 100 Continue reads as a reply with no body here: the app's answer follows it.
  assert.deepEqual(
    continued.map((r) => r.headers.split('\r\n')[0]),
    ['http/1.1 200 ok', 'http/1.1 100 continue', 'http/1.1 200 ok'],
  );
  assert.equal(continued[2]!.body, 'received 2');
  assert.match(continued[2]!.headers, /connection: close/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: a request that came while the event loop was busy as the idle grace ended is answered, not cut', async () => {
  const { hive, port } = await startApp('busy-drain-app.js', ['--drain-idle-grace', '500ms']);
  const client = await drainAfterFirstRequest(hive, port);
  // The loop is blocked from 300 ms into the drain for a second: this request arrives before the 500 ms grace ends,
  // and is still unread when the grace's timer runs.
  await hive.waitFor(logged('busy'), 'the busy moment');
  client.send(getRequest('/second'));
  const replies = await client.closed;
  assert.deepEqual(
    replies.map((r) => r.body),
    ['served /first', 'served /second'],
  );
  assert.match(replies[1]!.headers, /connection: close/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: a request pipelined behind one that came within the idle grace is answered after the grace ran out', async () => {
  const { hive, port } = await startApp('drain-app.js', ['--drain-idle-grace', '300ms']);
  const client = await drainAfterFirstRequest(hive, port);
  // Sent within the grace, and still in flight when the grace's timer runs (300 ms): the check settles it again.
  client.send(getRequest('/slow?ms=1500'));
  await hive.waitFor(logged('request /slow?ms=1500'), 'the slow request in flight');
  await delay(600);
  client.send(getRequest('/second'));
  await hive.waitFor(logged('request /second'), 'the app handed the pipelined request');
  const replies = await client.closed;
  assert.deepEqual(
    replies.map((r) => r.body),
    ['served /first', 'served /slow?ms=1500', 'served /second'],
  );
  assert.doesNotMatch(replies[1]!.headers, /connection: close/);
  assert.match(replies[2]!.headers, /connection: close/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: a client trickling bytes on an idle kept-alive connection does not hold it until SIGKILL; hooks run', async () => {
  const { hive, port } = await startApp('hook-drain-app.js', ['--drain-idle-grace', '300ms', '--kill-timeout', '10s']);
  const crlf = rawClient(port);
  crlf.send(getRequest('/first'));
  const head = rawClient(port);
  head.send(getRequest('/head'));
  await hive.waitFor(logged('request /first'), 'the first connection’s request');
  await hive.waitFor(logged('request /head'), 'the second connection’s request');
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  // Each idle connection trickles every 200 ms from the drain's start: one bare CRLFs (which the parser skips), the
  // other a next request's head that never ends. Neither head arrives: each is closed after one more grace.
  head.send('GET /never HTTP/1.1\r\nHost: x\r\nX-Pad: ');
  let trickling = true;
  const trickle = (async () => {
    while (trickling) {
      crlf.send('\r\n');
      head.send('p');
      await delay(200);
    }
  })();
  try {
    const [crlfReplies, headReplies] = await Promise.all([crlf.closed, head.closed]);
    assert.deepEqual(
      crlfReplies.map((r) => r.body),
      ['served /first'],
    );
    assert.deepEqual(
      headReplies.map((r) => r.body),
      ['served /head'],
    );
  } finally {
    trickling = false;
    await trickle;
  }
  await hive.waitFor(logged('hook ran'), 'the onShutdown hook');
  const exit = await hive.waitFor((r) => r.kind === 'event' && r.type === 'exit', 'the process’s exit');
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });
  assert.equal(hive.records.filter((r) => r.kind === 'event' && r.type === 'killed').length, 0);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: a request whose body is still arriving (a slow upload) is waited for, however many graces it takes', async () => {
  const { hive, port } = await startApp('drain-app.js', ['--drain-idle-grace', '300ms', '--kill-timeout', '20s']);
  const client = await drainAfterFirstRequest(hive, port);
  // Its head is whole at once, so the request is in flight: a byte of body every 100 ms is not a trickle to cut.
  client.send('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n');
  await hive.waitFor(logged('request /upload'), 'the upload in flight');
  for (let i = 0; i < 20; i++) {
    await delay(100);
    client.send('u');
  }
  const replies = await client.closed;
  assert.deepEqual(
    replies.map((r) => r.body),
    ['served /first', 'received 20'],
  );
  assert.match(replies[1]!.headers, /connection: close/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: a response whose app sets Connection: keep-alive itself still goes out with Connection: close, and closes', async () => {
  // An idle grace longer than the test: each connection must close after its response, not as idle.
  const { hive, port } = await startApp('drain-app.js', ['--drain-idle-grace', '60s', '--kill-timeout', '120s']);
  const ways = ['setHeader', 'object', 'array', 'no-reason'];
  const clients = ways.map((via) => {
    const client = rawClient(port);
    client.send(getRequest(`/first-${via}`));
    return client;
  });
  for (const via of ways) await hive.waitFor(logged(`request /first-${via}`), `the first request (${via})`);
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  for (const [i, via] of ways.entries()) clients[i]!.send(getRequest(`/keep-alive?via=${via}`));
  for (const [i, via] of ways.entries()) {
    const replies = await clients[i]!.closed;
    assert.equal(replies.length, 2, via);
    assert.equal(replies[1]!.body, `served /keep-alive?via=${via}`);
    assert.match(replies[1]!.headers, /\r\nconnection: close\r\n|\r\nconnection: close$/, via);
    assert.doesNotMatch(replies[1]!.headers, /connection: keep-alive|keep-alive: timeout/, via);
  }
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: a response in flight as it begins, whose app then sets Connection: keep-alive, still closes its connection', async () => {
  const { hive, port } = await startApp('drain-app.js', ['--drain-idle-grace', '60s', '--kill-timeout', '120s']);
  const client = rawClient(port);
  client.send(getRequest('/keep-alive?via=object&ms=1000'));
  await hive.waitFor(logged('request /keep-alive?via=object&ms=1000'), 'the request in flight');
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  const replies = await client.closed;
  assert.deepEqual(
    replies.map((r) => r.body),
    ['served /keep-alive?via=object&ms=1000'],
  );
  assert.match(replies[0]!.headers, /\r\nconnection: close(\r\n|$)/);
  assert.doesNotMatch(replies[0]!.headers, /keep-alive/);
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('drain: a response in flight as it begins, whose app’s writeHead wrapper (on-headers) sets keep-alive, still closes', async () => {
  const { hive, port } = await startApp('drain-app.js', ['--drain-idle-grace', '60s', '--kill-timeout', '120s']);
  // Its middleware wrapped writeHead before the drain began; the listener runs as the headers are written, after.
  const ways = ['setHeader', 'object', 'array'];
  const clients = ways.map((via) => {
    const client = rawClient(port);
    client.send(getRequest(`/on-headers?via=${via}&ms=1000`));
    return client;
  });
  for (const via of ways) await hive.waitFor(logged(`request /on-headers?via=${via}&ms=1000`), `request (${via})`);
  hive.kill('SIGTERM');
  await hive.waitFor(logged('stopped accepting'), 'the drain');
  for (const [i, via] of ways.entries()) {
    const replies = await clients[i]!.closed;
    assert.deepEqual(
      replies.map((r) => r.body),
      [`served /on-headers?via=${via}&ms=1000`],
    );
    assert.match(replies[0]!.headers, /\r\nconnection: close(\r\n|$)/, via);
    assert.doesNotMatch(replies[0]!.headers, /keep-alive/, via);
  }
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});
