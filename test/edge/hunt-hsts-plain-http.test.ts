// A TLS app with `redirect: false` serves plain HTTP and HTTPS from one server block, and sent its
// Strict-Transport-Security header on both. RFC 6797 (7.2): a host MUST NOT send it over plain HTTP, where anyone on
// the path could add, alter or strip it. It is now sent on HTTPS only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { getOnce, nginxSkip, startTlsSite, type TlsSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: TlsSite | undefined;
let http = 0;

before(async () => {
  if (skip) return;
  site = await startTlsSite({ tls: { hsts: { maxAge: 600, includeSubDomains: true } } });
  http = site.http;
});

after(async () => {
  await site?.stop();
});

const httpsHeaders = async () => {
  const { status, headers } = await getOnce('127.0.0.1', site?.https ?? 0, site?.cert);
  return { status: Number(status), headers };
};

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
