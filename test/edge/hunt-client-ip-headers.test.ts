// The client-address headers nginx sets (X-Real-IP, X-Forwarded-For) are the truth behind it, but an app's library may
// read others first: npm's request-ip takes X-Client-IP before anything, then CF-Connecting-IP, Fastly-Client-IP,
// True-Client-IP, X-Cluster-Client-IP, X-Forwarded, Forwarded-For, X-AppEngine-User-IP and CF-Pseudo-IPv4. nginx
// passed them on as the client wrote them, so `X-Client-IP: 1.2.3.4` was the client address of such an app. nginx now
// clears them; behind a trusted balancer (realIpFrom), which may set them (a CDN does), it passes them on from the
// balancer only. Real nginx, the app echoing the headers it got.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getFrom } from '../cluster/helpers.js';
import { nginxSkip, type PlainSite, startPlainSite } from './nginx-harness.js';

const skip = nginxSkip();
let plain: PlainSite | undefined;
let balanced: PlainSite | undefined;

before(async () => {
  if (skip) return;
  plain = await startPlainSite();
  balanced = await startPlainSite({ realIpFrom: ['127.0.0.2/32'] });
});
after(async () => {
  await plain?.stop();
  await balanced?.stop();
});

const forged = {
  'x-client-ip': '1.2.3.4',
  'cf-connecting-ip': '1.2.3.4',
  'fastly-client-ip': '1.2.3.4',
  'true-client-ip': '1.2.3.4',
  'x-cluster-client-ip': '1.2.3.4',
  'x-forwarded': '1.2.3.4',
  'forwarded-for': '1.2.3.4',
  'x-appengine-user-ip': '1.2.3.4',
  'cf-pseudo-ipv4': '1.2.3.4',
};

/** The headers the app saw for a GET / with the forged headers and `extra`, sent from `localAddress`. */
async function seen(site: PlainSite | undefined, localAddress: string, extra: Record<string, string> = {}) {
  const res = await getFrom(site!.port, localAddress, '/', { ...forged, ...extra });
  assert.equal(res.status, 200, res.body);
  return (JSON.parse(res.body) as { headers: Record<string, string> }).headers;
}

function assertCleared(headers: Record<string, string>, label: string): void {
  for (const name of Object.keys(forged)) assert.equal(headers[name], undefined, `${label}: ${name}`);
}

test('a client-sent X-Client-IP (and the like) never reaches the app; X-Real-IP names the client', {
  skip,
}, async () => {
  const headers = await seen(plain, '127.0.0.1');
  assertCleared(headers, 'GET /');
  assert.equal(headers['x-real-ip'], '127.0.0.1');
  // An event-stream request is proxied from a named location of its own.
  assertCleared(await seen(plain, '127.0.0.1', { accept: 'text/event-stream' }), 'event stream');
});

test("behind a trusted balancer, its headers reach the app, and an untrusted peer's do not", { skip }, async () => {
  const fromBalancer = await seen(balanced, '127.0.0.2', { 'x-forwarded-for': '203.0.113.7' });
  for (const [name, value] of Object.entries(forged)) assert.equal(fromBalancer[name], value, `balancer: ${name}`);
  assert.equal(fromBalancer['x-real-ip'], '203.0.113.7');
  const direct = await seen(balanced, '127.0.0.1');
  assertCleared(direct, 'untrusted peer');
  assert.equal(direct['x-real-ip'], '127.0.0.1');
});
