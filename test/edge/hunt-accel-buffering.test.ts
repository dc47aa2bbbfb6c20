// A stream the request does not announce (`Accept: text/event-stream` is what routes a request to the unbuffered
// location): chunked NDJSON, a `fetch` POST that streams its answer. docs/edge.md tells the app to send
// `X-Accel-Buffering: no` on such a response. This pins that nginx honours it through the generated config (it would
// not if proxy_ignore_headers listed it): each line reaches the client while the response is open, over plain HTTP
// and over HTTPS with HTTP/1.1 (where a buffered response is held by the TLS layer until 16k have gathered), and
// gzipped too (application/json is in gzip_types: nginx flushes the compressor on each unbuffered write). nginx keeps
// the header to itself. A guard: the generated config already honoured it. Over HTTPS it is what streams at all: with
// `proxy_ignore_headers X-Accel-Buffering` added, the HTTPS cases got no line (plain HTTP streams either way, nginx
// passing on what it has read when the upstream pauses).
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { after, before, test } from 'node:test';
import { createGunzip } from 'node:zlib';
import { poll } from '../poll.js';
import { freePort, makeCertificate, makePrefix, nginxSkip, type ProxiedSite, startProxy } from './nginx-harness.js';

const skip = nginxSkip();
let app: Server | undefined;
let proxy: ProxiedSite | undefined;
let certDir = '';
let ca = '';
let https = 0;
const streams = new Map<string, ServerResponse>();

before(async () => {
  if (skip) return;
  // GET /<id>?type=<content type>: a 200 with X-Accel-Buffering: no, one line written, the response left open.
  app = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    res.writeHead(200, {
      'content-type': url.searchParams.get('type') ?? 'application/x-ndjson',
      'x-accel-buffering': 'no',
    });
    res.write('{"n":1}\n');
    streams.set(url.pathname, res);
  });
  await new Promise<void>((resolve) => app!.listen(0, '127.0.0.2', () => resolve()));
  certDir = await makePrefix();
  const files = makeCertificate(certDir);
  ca = await readFile(files.cert, 'utf8');
  https = await freePort();
  proxy = await startProxy({
    upstream: { hosts: `127.0.0.2:${(app.address() as { port: number }).port}` },
    tls: { ...files, port: https, redirect: false, http2: false },
  });
});

after(async () => {
  await proxy?.stop();
  app?.closeAllConnections();
  await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

/** GETs `path` through nginx and collects the (gunzipped) body as it arrives. */
function openStream(path: string, { secure = false, gzip = false } = {}) {
  const state = { status: 0, headers: {} as IncomingMessage['headers'], received: '', ended: false, error: '' };
  const headers = gzip ? { 'accept-encoding': 'gzip' } : {};
  const onResponse = (res: IncomingMessage) => {
    state.status = res.statusCode ?? 0;
    state.headers = res.headers;
    const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
    body.setEncoding('utf8');
    body.on('data', (chunk: string) => {
      state.received += chunk;
    });
    body.on('end', () => {
      state.ended = true;
    });
  };
  const req = secure
    ? httpsRequest(
        { host: '127.0.0.1', port: https, path, ca, servername: 'localhost', agent: false, headers },
        onResponse,
      )
    : httpRequest({ host: '127.0.0.1', port: proxy?.port ?? 0, path, agent: false, headers }, onResponse);
  // A connection torn down at the end of the file is no failure of its own; a test that waits on it fails by name.
  req.on('error', (error) => {
    state.error = error.message;
  });
  req.end();
  return state;
}

async function assertStreamed(path: string, options: { secure?: boolean; gzip?: boolean }, label: string) {
  const stream = openStream(path, options);
  await poll(() => stream.received === '{"n":1}\n', `${label}: the first line while the response is open`);
  assert.equal(stream.status, 200, label);
  assert.equal(stream.headers['x-accel-buffering'], undefined, `${label}: nginx keeps X-Accel-Buffering`);
  assert.equal(stream.ended, false, label);
  const res = await poll(() => streams.get(path.split('?')[0] ?? path), `${label}: the app's response`);
  res.write('{"n":2}\n');
  await poll(() => stream.received === '{"n":1}\n{"n":2}\n', `${label}: the second line while the response is open`);
  assert.equal(stream.ended, false, label);
  res.end();
  await poll(() => stream.ended, `${label}: the end of the stream`);
  return stream;
}

test('X-Accel-Buffering: no from the app streams NDJSON line by line over plain HTTP', { skip }, async () => {
  await assertStreamed('/plain', {}, 'plain HTTP');
});

test('and over HTTPS with HTTP/1.1', { skip }, async () => {
  await assertStreamed('/tls', { secure: true }, 'HTTPS');
});

test('and gzipped, over HTTPS, for a type in gzip_types', { skip }, async () => {
  const stream = await assertStreamed('/gzip?type=application/json', { secure: true, gzip: true }, 'gzip');
  assert.equal(stream.headers['content-encoding'], 'gzip');
});
