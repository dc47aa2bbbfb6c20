// A site listened on IPv4 only (`listen <port>`) or on one address: there was no way to serve IPv4 and IPv6 at once.
// `listen.ipv6: true` (`--ipv6`) adds `listen [::]:<port>` beside each listen, with the same ssl/http2/default_server
// flags. Off by default: nginx fails to start where IPv6 is disabled.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { nginxChecker, rejects, site } from './config-checks.js';
import { getOnce, makeCertificate, makePrefix, nginxSkip, startTlsSite, type TlsSite } from './nginx-harness.js';

// A real request over [::1], when this machine has IPv6 on loopback.
async function ipv6Loopback(): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

// Every await before the first hook or test: node:test runs what is registered while the module is still loading,
// and an after() registered once that run has begun is never called.
const skip = nginxSkip() || ((await ipv6Loopback()) ? false : 'no IPv6 on loopback (::1)');
// nginx -t loads the certificate, so a real one.
const tlsDir = await makePrefix();
const tls = { ...makeCertificate(tlsDir), port: 18443 };
const passesNginx = nginxChecker();

test('listen.ipv6 adds listen [::]:port beside each listen, with the same flags, and passes nginx -t', () => {
  const plain = passesNginx({ sites: [site({ listen: { port: 18080, ipv6: true, defaultServer: true } })] });
  assert.match(plain, /^ {8}listen 18080 default_server;\n {8}listen \[::\]:18080 default_server;$/m);

  const secure = passesNginx({ sites: [site({ listen: { port: 18080, ipv6: true }, tls })] });
  assert.match(secure, /^ {8}listen 18080;\n {8}listen \[::\]:18080;$/m);
  assert.match(secure, /^ {8}listen 18443 ssl http2;\n {8}listen \[::\]:18443 ssl http2;$/m);

  const both = passesNginx({
    sites: [site({ listen: { port: 18080, ipv6: true }, tls: { ...tls, redirect: false } })],
  });
  assert.match(both, /listen \[::\]:18080;\n {8}listen 18443 ssl http2;\n {8}listen \[::\]:18443 ssl http2;/);
});

test('without listen.ipv6 nothing listens on IPv6', () => {
  const output = generateNginxConfig({ sites: [site({ tls })] }, { checkFiles: false });
  assert.doesNotMatch(output, /\[::\]/);
});

test('listen.ipv6 with listen.address, or not a boolean, is refused', () => {
  rejects(
    { sites: [site({ listen: { port: 18080, address: '127.0.0.1', ipv6: true } })] },
    'sites[0].listen.ipv6',
    /listen\.address/,
  );
  rejects({ sites: [site({ listen: { port: 18080, address: '::', ipv6: true } })] }, 'sites[0].listen.ipv6');
  rejects(
    { sites: [site({ listen: { port: 18080, ipv6: 'yes' as unknown as boolean } })] },
    'sites[0].listen.ipv6',
    /boolean/,
  );
});

test('the [::] socket is checked like the others: one default server, TLS or not for every app on it', () => {
  // Their IPv4 sockets differ (:: vs every IPv4 address); the IPv6 one is the same.
  rejects(
    {
      sites: [
        site({ app: 'a', listen: { port: 18080, address: '::', defaultServer: true } }),
        site({ app: 'b', listen: { port: 18080, ipv6: true, defaultServer: true } }),
      ],
    },
    'sites[1].listen.defaultServer',
    /:: port 18080/,
  );
  rejects(
    {
      sites: [
        site({ app: 'a', listen: { port: 18443, address: '::' } }),
        site({ app: 'b', listen: { port: 18080, ipv6: true }, tls }),
      ],
    },
    'sites[1].tls.port',
    /one with TLS and one without/,
  );
});

let running: TlsSite | undefined;

before(async () => {
  if (skip) return;
  // No address: the site listens on every IPv4 address and, with ipv6, on [::].
  running = await startTlsSite({ listen: { address: undefined, ipv6: true } });
});

after(async () => {
  await running?.stop();
  await rm(tlsDir, { recursive: true, force: true });
});

function get(secure: boolean, address: string): Promise<{ status: number; body: string }> {
  const site = running!;
  return getOnce(address, secure ? site.https : site.http, secure ? site.cert : undefined).then((response) => ({
    status: Number(response.status),
    body: JSON.stringify(response.seen ?? {}),
  }));
}

test('one site answers HTTP and HTTPS over both 127.0.0.1 and [::1]', { skip }, async () => {
  for (const address of ['127.0.0.1', '::1']) {
    for (const secure of [false, true]) {
      const { status, body } = await get(secure, address);
      assert.equal(status, 200, `${secure ? 'https' : 'http'} on ${address}: ${body}`);
      assert.equal((JSON.parse(body) as { name: string }).name, 'h1');
    }
  }
});
