// Real nginx with the generated config: WebSocket upgrade next to upstream keep-alive, TLS termination with a
// self-signed certificate made here, the HTTP->HTTPS redirect and ACME location, HSTS, rate limiting (429),
// oversized bodies (413), gzip and the static files location.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { generateNginxConfig } from '../../dist/edge/index.js';
import {
  freePorts,
  makeCertificate,
  makePrefix,
  nginxSkip,
  openFiles,
  type RunningNginx,
  startNginx,
  startUpstream,
  testMain,
  type UpstreamHost,
  wsEcho,
} from './nginx-harness.js';

const skip = nginxSkip();
const hosts: UpstreamHost[] = [];
let nginx: RunningNginx | undefined;
let certDir = '';
let cert = '';
const ports = { web: 0, limited: 0, http: 0, https: 0 };
const agent = new Agent();

before(async () => {
  if (skip) return;
  hosts.push(await startUpstream('h1', '127.0.0.2'), await startUpstream('h2', '127.0.0.3'));
  [ports.web, ports.limited, ports.http, ports.https] = (await freePorts(4)) as [number, number, number, number];
  certDir = await makePrefix();
  const tls = makeCertificate(certDir);
  cert = readFileSync(tls.cert, 'utf8');
  const upstream = { hosts: hosts.map((h) => `${h.host}:${h.port}`) };
  const config = generateNginxConfig(
    {
      main: testMain,
      sites: [
        {
          app: 'web',
          listen: { address: '127.0.0.1', port: ports.web },
          // ip_hash with upstream keep-alive on (an app that is not a sticky Hive cluster).
          upstream: { ...upstream, balance: 'ip_hash' },
          static: { location: '/static/', root: 'public' },
          accessLog: false,
        },
        {
          app: 'limited',
          listen: { address: '127.0.0.1', port: ports.limited },
          upstream,
          // 1 request a minute with a burst of 2: a quick series of requests must meet the limit, however slow
          // the machine.
          rateLimit: { rate: '1r/m', burst: 2 },
          clientMaxBodySize: '1k',
          accessLog: false,
        },
        {
          app: 'secure',
          listen: { address: '127.0.0.1', port: ports.http },
          upstream,
          tls: { ...tls, port: ports.https, hsts: true },
          acme: { root: 'acme' },
          accessLog: false,
        },
      ],
    },
    { shape: 'full' },
  );
  nginx = await startNginx(config, Object.values(ports), async (prefix) => {
    // `root`/`alias` paths are relative to nginx's prefix.
    await mkdir(join(prefix, 'public'));
    await writeFile(join(prefix, 'public', 'hello.txt'), 'static hello\n');
    await mkdir(join(prefix, 'acme', '.well-known', 'acme-challenge'), { recursive: true });
    await writeFile(join(prefix, 'acme', '.well-known', 'acme-challenge', 'token-1'), 'token-1.thumbprint');
  });
});

after(async () => {
  await agent.close();
  await nginx?.stop();
  await Promise.all(hosts.map((h) => h.stop()));
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

async function call(port: number, path: string, init: { method?: 'GET' | 'POST'; body?: string; gzip?: boolean } = {}) {
  const response = await request(`http://127.0.0.1:${port}${path}`, {
    method: init.method ?? 'GET',
    body: init.body,
    headers: init.gzip ? { 'accept-encoding': 'gzip' } : {},
    dispatcher: agent,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

function httpsGet(path: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: ports.https, path, ca: cert, servername: 'localhost' },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('WebSocket upgrade works through the keep-alive config, and plain requests keep the connection', {
  skip,
}, async () => {
  const reply = await wsEcho(`ws://127.0.0.1:${ports.web}/ws`, 'ping');
  // The app saw the handshake with Connection: upgrade (from the $http_upgrade map).
  assert.match(reply, /^h[12]:upgrade:ping$/);

  const plain = await call(ports.web, '/');
  assert.equal(plain.status, 200);
  const seen = JSON.parse(plain.text) as { headers: Record<string, string> };
  assert.equal(seen.headers.connection, undefined, 'no Connection header, so the upstream connection is kept');
  assert.equal(seen.headers.upgrade, undefined);
});

test('ip_hash sends one client to the same host every time', { skip }, async () => {
  const names = new Set<string>();
  for (let i = 0; i < 10; i++) names.add((JSON.parse((await call(ports.web, '/')).text) as { name: string }).name);
  assert.equal(names.size, 1);
});

test('gzip compresses proxied text; the static location serves files from disk', { skip }, async () => {
  const big = await call(ports.web, '/big', { gzip: true });
  assert.equal(big.status, 200);
  assert.equal(big.headers['content-encoding'], 'gzip');
  const file = await call(ports.web, '/static/hello.txt');
  assert.equal(file.status, 200);
  assert.equal(file.text, 'static hello\n');
  assert.ok(String(file.headers['cache-control']).includes('max-age='));
  assert.equal((await call(ports.web, '/static/missing.txt')).status, 404);
});

// Runs before the rate-limit test: the 512-byte POST here must still find tokens in the bucket.
test('a body over client_max_body_size is rejected with 413 before reaching the app', { skip }, async () => {
  const small = await call(ports.limited, '/upload', { method: 'POST', body: 'x'.repeat(512) });
  assert.equal(small.status, 200);
  assert.equal((JSON.parse(small.text) as { bodySize: number }).bodySize, 512);
  const big = await call(ports.limited, '/upload', { method: 'POST', body: 'x'.repeat(4096) });
  assert.equal(big.status, 413);
});

test('the rate limit answers 429 past the limit', { skip }, async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) statuses.push((await call(ports.limited, '/')).status);
  assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
  assert.ok(
    statuses.every((s) => s === 200 || s === 429),
    `statuses: ${statuses.join(',')}`,
  );
});

test('TLS: HTTPS proxies with HSTS and X-Forwarded-Proto https; HTTP redirects, except ACME', { skip }, async () => {
  const secure = await httpsGet('/hello?x=1');
  assert.equal(secure.status, 200);
  assert.equal(secure.headers['strict-transport-security'], 'max-age=63072000');
  const seen = JSON.parse(secure.text) as { url: string; headers: Record<string, string> };
  assert.equal(seen.headers['x-forwarded-proto'], 'https');
  assert.equal(seen.url, '/hello?x=1');

  const redirect = await call(ports.http, '/hello?x=1');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, `https://127.0.0.1:${ports.https}/hello?x=1`);

  const challenge = await call(ports.http, '/.well-known/acme-challenge/token-1');
  assert.equal(challenge.status, 200);
  assert.equal(challenge.text, 'token-1.thumbprint');
});

test('accessLog: false writes no access log: nginx holds no file outside its prefix', { skip }, async () => {
  assert.equal((await call(ports.web, '/')).status, 200);
  const running = nginx as RunningNginx;
  // Without an explicit `access_log off` nginx falls back to its compiled-in log (/var/log/nginx/access.log on
  // Debian) and writes every request there, unbuffered.
  const outside = (await openFiles(running.pid)).filter(
    (file) => !file.startsWith(`${running.prefix}/`) && !file.startsWith('/dev/') && !file.startsWith(certDir),
  );
  // stdio of the test runner itself may be files (CI redirects it): only log-like paths count.
  assert.deepEqual(
    outside.filter((file) => /\.log$|\/log\//.test(file)),
    [],
  );
});
