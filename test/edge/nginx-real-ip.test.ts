// Behind a load balancer (realIpFrom, --real-ip-from): real nginx takes the client's address from the balancer's
// X-Forwarded-For, and its X-Forwarded-Proto, only when the connection comes from a trusted address. The balancer
// is played by a client bound to 127.0.0.2, an untrusted client by 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getFrom } from '../cluster/helpers.js';
import { nginxSkip, type PlainSite, startPlainSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: PlainSite | undefined;

before(async () => {
  if (skip) return;
  site = await startPlainSite({ realIpFrom: ['127.0.0.2/32', 'fd00::/8'] });
});
after(() => site?.stop());

/** GET / from `localAddress` with `headers`; resolves with the headers the app saw. */
async function seenFrom(localAddress: string, headers: Record<string, string>): Promise<Record<string, string>> {
  const res = await getFrom(site!.port, localAddress, '/', headers);
  if (res.status !== 200) throw new Error(`status ${res.status}: ${res.body}`);
  return (JSON.parse(res.body) as { headers: Record<string, string> }).headers;
}

test('from a trusted balancer, the client address and scheme it forwards reach the app', { skip }, async () => {
  const seen = await seenFrom('127.0.0.2', { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' });
  assert.equal(seen['x-real-ip'], '203.0.113.7');
  assert.equal(seen['x-forwarded-proto'], 'https');
  // The chain as the balancer sent it, then the balancer itself (the peer nginx saw), as any proxy appends: not the
  // client a second time in the balancer's place.
  assert.equal(seen['x-forwarded-for'], '203.0.113.7, 127.0.0.2');
  // A client's own forged entry before the balancer's is skipped: the last untrusted address is the client.
  const chained = await seenFrom('127.0.0.2', { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' });
  assert.equal(chained['x-real-ip'], '203.0.113.7');
  assert.equal(chained['x-forwarded-proto'], 'http');
  assert.equal(chained['x-forwarded-for'], '6.6.6.6, 203.0.113.7, 127.0.0.2');
});

test("a trusted balancer's X-Forwarded-Proto in any case reaches the app in lower case", { skip }, async () => {
  for (const [sent, expected] of [
    ['HTTPS', 'https'],
    ['Https', 'https'],
    ['HTTP', 'http'],
    ['ftp', 'http'],
  ]) {
    const seen = await seenFrom('127.0.0.2', { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': sent! });
    assert.equal(seen['x-forwarded-proto'], expected, `X-Forwarded-Proto: ${sent}`);
  }
});

test('from a trusted balancer that sends no X-Forwarded-For, the app sees the balancer once', { skip }, async () => {
  const seen = await seenFrom('127.0.0.2', {});
  assert.equal(seen['x-real-ip'], '127.0.0.2');
  assert.equal(seen['x-forwarded-for'], '127.0.0.2');
});

test('from an untrusted address, a forged X-Forwarded-For and X-Forwarded-Proto change nothing', { skip }, async () => {
  const seen = await seenFrom('127.0.0.1', { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' });
  assert.equal(seen['x-real-ip'], '127.0.0.1');
  assert.equal(seen['x-forwarded-proto'], 'http');
  assert.equal(seen['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
});
