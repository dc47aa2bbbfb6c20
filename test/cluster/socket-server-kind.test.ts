import assert from 'node:assert/strict';
import http2, { type ClientHttp2Session } from 'node:http2';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { makeCertificate } from '../tls-certificate.js';
import {
  fixture as clusterFixture,
  freePort,
  type Hive,
  type HiveRecord,
  isEvent,
  runHive,
  startHive,
  tempDir,
} from './helpers.js';

// `hive run --socket` with an app on node:http2: its server gets the socket's connections as an HTTP(S) server does
// (h2c, secure, and secure with allowHTTP1), and a retiring process drains the sessions that came by the socket. A
// server on PORT that is not an HTTP one is refused at once.
const dir = tempDir('hive-socket-h2-');
const fixture = (name: string): string => new URL(`../fixtures/runtime-review/${name}`, import.meta.url).pathname;
const logged = (line: string) => (r: HiveRecord) => r.kind === 'log' && r.line === line;

/** Runs `script` (a runtime-review fixture) as one process on a port and the socket `name`, until online. */
async function startOnSocket(script: string, name: string, env: Record<string, string> = {}) {
  const socket = join(dir, name);
  const port = await freePort();
  const hive = startHive([fixture(script), '-i', '1', '--port', String(port), '--socket', socket], env);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  return { hive, socket };
}

/** The body of one stream's response on `session`, once the stream has closed. */
function fetchBody(session: ClientHttp2Session, path: string): { body: Promise<string> } {
  const stream = session.request({ ':path': path });
  stream.setEncoding('utf8');
  let body = '';
  stream.on('data', (chunk: string) => {
    body += chunk;
  });
  return {
    body: new Promise((resolve, reject) => {
      stream.once('error', reject);
      stream.once('close', () => resolve(body));
    }),
  };
}

const tlsOptions = { rejectUnauthorized: false, servername: 'localhost' };

/** An HTTP/2 session over TLS through the Unix socket `socket`. */
const h2OverTls = (socket: string) =>
  http2.connect('https://localhost', {
    createConnection: () => tlsConnect({ path: socket, ...tlsOptions, ALPNProtocols: ['h2'] }),
  });

/** `session` is served, and its stream in flight at a SIGTERM finishes before the process exits 0. */
async function assertDrainsStream(hive: Hive, session: ClientHttp2Session): Promise<void> {
  session.on('error', () => {});
  try {
    assert.equal(await fetchBody(session, '/first').body, 'served /first');
    const slow = fetchBody(session, '/slow?ms=800');
    await hive.waitFor(logged('request /slow?ms=800'), 'the stream in flight');
    hive.kill('SIGTERM');
    assert.equal(await slow.body, 'served /slow?ms=800');
    assert.deepEqual(await hive.exited, { code: 0, signal: null });
  } finally {
    session.destroy();
  }
}

test('an h2c server serves on the socket, and its stream in flight there finishes before the process exits', async () => {
  const { hive, socket } = await startOnSocket('http2-app.js', 'h2c.sock');
  await assertDrainsStream(hive, http2.connect('http://localhost', { createConnection: () => connect(socket) }));
});

test('a secure HTTP/2 server with allowHTTP1 serves h2 and HTTP/1.1 over TLS on the socket, and drains its h2 stream', async () => {
  const { cert, key } = makeCertificate(dir);
  const { hive, socket } = await startOnSocket('http2-allow-http1-app.js', 'h2.sock', { TLS_KEY: key, TLS_CERT: cert });

  // HTTP/1.1 through the same TLS server: node's HTTP/1 code serves a client that offers only http/1.1.
  const h1 = tlsConnect({ path: socket, ...tlsOptions, ALPNProtocols: ['http/1.1'] });
  let received = '';
  h1.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
  });
  const h1Closed = new Promise((resolve) => h1.once('close', resolve));
  h1.write('GET /one HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await h1Closed;
  assert.match(received, /^HTTP\/1\.1 200/);
  assert.match(received, /served \/one$/);

  await assertDrainsStream(hive, h2OverTls(socket));
});

test('a secure HTTP/2 server without allowHTTP1 serves h2 on the socket', async () => {
  const { cert, key } = makeCertificate(dir);
  const { hive, socket } = await startOnSocket('http2-secure-app.js', 'h2only.sock', { TLS_KEY: key, TLS_CERT: cert });
  const session = h2OverTls(socket);
  session.on('error', () => {});
  try {
    assert.equal(await fetchBody(session, '/only').body, 'served /only');
  } finally {
    session.destroy();
  }
  hive.kill('SIGTERM');
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
});

test('a TCP server of node:net on PORT is refused at start, the error naming its kind, not left to time out', async () => {
  const socket = join(dir, 'tcp.sock');
  const port = await freePort();
  // A listen timeout far beyond the run's own: only the refusal ends the start.
  const args = ['run', clusterFixture('tcp-echo-app.cjs'), '-i', '2', '--port', String(port), '--socket', socket];
  const { code, stderr } = await runHive([...args, '--listen-timeout', '120s']);
  assert.equal(code, 1, stderr);
  assert.match(
    stderr,
    new RegExp(
      `ERR_HIVE_SOCKET_SERVER: Cannot serve the socket .*tcp\\.sock: the server on port ${port} is a TCP server of node:net, not an HTTP one`,
    ),
  );
  assert.doesNotMatch(stderr, /ERR_HIVE_WORKER_NOT_READY/);
});
