// A TLS app with `redirect: false` serves plain HTTP and HTTPS from one server block, and sent its
// Strict-Transport-Security header on both. RFC 6797 (7.2): a host MUST NOT send it over plain HTTP, where anyone on
// the path could add, alter or strip it. It is now sent on HTTPS only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { generateNginxConfig } from '../../dist/edge/index.js';
import {
  freePorts,
  makeCertificate,
  makePrefix,
  nginxSkip,
  type RunningNginx,
  startNginx,
  startUpstream,
  testMain,
  type UpstreamHost,
} from './nginx-harness.js';

const skip = nginxSkip();
let host: UpstreamHost | undefined;
let nginx: RunningNginx | undefined;
let certDir = '';
let cert = '';
let http = 0;
let https = 0;

before(async () => {
  if (skip) return;
  host = await startUpstream('h1', '127.0.0.2');
  [http, https] = (await freePorts(2)) as [number, number];
  certDir = await makePrefix();
  const tls = makeCertificate(certDir);
  cert = readFileSync(tls.cert, 'utf8');
  const config = generateNginxConfig(
    {
      main: testMain,
      sites: [
        {
          app: 'api',
          listen: { address: '127.0.0.1', port: http },
          upstream: { hosts: `${host.host}:${host.port}` },
          tls: { ...tls, port: https, redirect: false, hsts: { maxAge: 600, includeSubDomains: true } },
          accessLog: false,
        },
      ],
    },
    { shape: 'full' },
  );
  nginx = await startNginx(config, [http, https]);
});

after(async () => {
  await nginx?.stop();
  await host?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

function httpsHeaders(): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: https, path: '/', ca: cert, servername: 'localhost' },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('HSTS goes out over HTTPS only, not on the plain HTTP port of a TLS app without redirect', { skip }, async () => {
  const secure = await httpsHeaders();
  assert.equal(secure.status, 200);
  assert.equal(secure.headers['strict-transport-security'], 'max-age=600; includeSubDomains');
  assert.ok(secure.headers['x-request-id'], 'the other server-level headers stay');

  const plain = await request(`http://127.0.0.1:${http}/`, { reset: true });
  await plain.body.text();
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.headers['strict-transport-security'], undefined);
  assert.ok(plain.headers['x-request-id'], 'the other server-level headers stay');
});
