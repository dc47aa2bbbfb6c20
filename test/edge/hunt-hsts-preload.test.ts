// `tls.hsts.preload` was rendered whatever came with it: `max-age=63072000; preload` (no includeSubDomains) or
// `max-age=600; includeSubDomains; preload`. The HSTS preload list (hstspreload.org), which is what the token asks
// for, refuses a header without includeSubDomains or with a max-age under a year, and may drop a listed domain whose
// header stops meeting them. Such a setting is now an ERR_HIVE_EDGE_INVALID_OPTION naming the key to change.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { rejects, site } from './config-checks.js';
import { runHiveEdge } from './edge-command.js';
import { getOnce, nginxSkip, startTlsSite, testMain } from './nginx-harness.js';

const skip = nginxSkip();
const generate = (extra: object) =>
  generateNginxConfig({ main: testMain, sites: [site(extra)] }, { checkFiles: false });
const tls = (hsts: unknown) => ({ tls: { cert: '/etc/ssl/api.pem', key: '/etc/ssl/api.key', hsts } }) as never;

test('preload without includeSubDomains is refused, naming tls.hsts.includeSubDomains', () => {
  for (const hsts of [{ preload: true }, { preload: true, includeSubDomains: false, maxAge: 63072000 }]) {
    rejects({ sites: [site(tls(hsts))] }, 'sites[0].tls.hsts.includeSubDomains', /with preload: .*hstspreload\.org/);
  }
});

test('preload with a max-age under a year is refused, naming tls.hsts.maxAge', () => {
  for (const maxAge of [0, 600, 31535999]) {
    rejects(
      { sites: [site(tls({ preload: true, includeSubDomains: true, maxAge }))] },
      'sites[0].tls.hsts.maxAge',
      /at least 31536000 \(one year\) with preload/,
    );
  }
});

// hstspreload.org also wants the plain HTTP site to redirect to HTTPS; `redirect: false` served it, preload header and
// all (on HTTPS), and the list would refuse the domain.
test('preload with redirect: false is refused, naming tls.redirect', () => {
  const preload = { preload: true, includeSubDomains: true };
  const noRedirect = { tls: { cert: '/etc/ssl/api.pem', key: '/etc/ssl/api.key', hsts: preload, redirect: false } };
  rejects({ sites: [site(noRedirect as never)] }, 'sites[0].tls.redirect', /with hsts\.preload: .*does not redirect/);
  // HSTS without preload beside plain HTTP stays the user's choice (sent on HTTPS only).
  const plain = { tls: { ...noRedirect.tls, hsts: { includeSubDomains: true } } };
  assert.match(generate(plain as never), /map \$https \$hive_api_hsts/);
});

test('preload with includeSubDomains and a year or more goes out over HTTPS from real nginx', { skip }, async () => {
  const served = await startTlsSite({ tls: { hsts: { preload: true, includeSubDomains: true }, redirect: true } });
  try {
    const { status, headers } = await getOnce('127.0.0.1', served.https, served.cert);
    assert.equal(status, '200');
    assert.equal(headers['strict-transport-security'], 'max-age=63072000; includeSubDomains; preload');
  } finally {
    await served.stop();
  }
  const year = generate(tls({ preload: true, includeSubDomains: true, maxAge: 31536000 }));
  assert.match(year, /Strict-Transport-Security "max-age=31536000; includeSubDomains; preload"/);
  // Without preload, any max-age and either includeSubDomains stay the user's choice.
  assert.match(generate(tls({ maxAge: 600 })), /Strict-Transport-Security max-age=600 always/);
});

test('hive edge nginx --config names the app and the key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hive-hsts-'));
  try {
    await writeFile(join(dir, 'cert.pem'), '');
    await writeFile(join(dir, 'key.pem'), '');
    const hsts = { preload: true, includeSubDomains: true, maxAge: 86400 };
    const edge = { tls: { cert: 'cert.pem', key: 'key.pem', hsts } };
    await writeFile(
      join(dir, 'hive.config.json'),
      JSON.stringify({ apps: [{ name: 'api', script: 'server.js', port: 3000, edge }] }),
    );
    const result = runHiveEdge(dir, ['nginx', '--config', 'hive.config.json']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /ERR_HIVE_EDGE_INVALID_OPTION: hive\.config\.json: app "api": tls\.hsts\.maxAge: .*got 86400/,
    );
    // A year, and the file's plain HTTP served rather than redirected: the redirect rule, naming its key.
    hsts.maxAge = 31536000;
    const served = { tls: { ...edge.tls, redirect: false } };
    await writeFile(
      join(dir, 'hive.config.json'),
      JSON.stringify({ apps: [{ name: 'api', script: 'server.js', port: 3000, edge: served }] }),
    );
    const plain = runHiveEdge(dir, ['nginx', '--config', 'hive.config.json']);
    assert.equal(plain.code, 2, plain.stderr);
    assert.match(
      plain.stderr,
      /ERR_HIVE_EDGE_INVALID_OPTION: hive\.config\.json: app "api": tls\.redirect: expected true with hsts\.preload/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
