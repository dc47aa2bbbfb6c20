// nginx on ports other than 80 and 443: the app must see the port the client used. `Host $host` and
// `X-Forwarded-Host $host` dropped it (nginx's $host never has a port), so an app that builds absolute URLs or
// redirects, or checks Origin against its host (CSRF, WebSocket origin checks), pointed at port 80 or 443 instead.
// No X-Forwarded-Port from $server_port: behind a port mapping (compose publishes nginx's 80 on 8080) it would name
// nginx's port, not the client's; the Host the client sent has the right one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getOnce, nginxSkip, rawRequest, startTlsSite, type TlsSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: TlsSite | undefined;
let http = 0;

before(async () => {
  if (skip) return;
  site = await startTlsSite();
  http = site.http;
});

after(async () => {
  await site?.stop();
});

const raw = (head: string) => rawRequest(http, head);
const httpsSeen = async () => (await getOnce('127.0.0.1', site?.https ?? 0, site?.cert)).seen!;

test('the app sees the host and port the client asked for, in Host and X-Forwarded-Host', { skip }, async () => {
  const plain = await raw(`GET / HTTP/1.1\r\nHost: api.example.com:${http}\r\nConnection: close\r\n\r\n`);
  assert.match(plain.status, / 200 /);
  assert.equal(plain.seen?.headers.host, `api.example.com:${http}`);
  assert.equal(plain.seen?.headers['x-forwarded-host'], `api.example.com:${http}`);
  assert.equal(plain.seen?.headers['x-forwarded-proto'], 'http');

  const secure = await httpsSeen();
  assert.equal(secure.headers.host, `127.0.0.1:${site?.https}`);
  assert.equal(secure.headers['x-forwarded-host'], `127.0.0.1:${site?.https}`);
  assert.equal(secure.headers['x-forwarded-proto'], 'https');

  // A client on the default port sends no port, and the app sees none.
  const bare = await raw('GET / HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n');
  assert.equal(bare.seen?.headers.host, 'api.example.com');
  assert.equal(bare.seen?.headers['x-forwarded-host'], 'api.example.com');
});

test('an HTTP/1.0 request without Host still reaches the app with a Host (it answers 400 without one)', {
  skip,
}, async () => {
  const old = await raw('GET / HTTP/1.0\r\n\r\n');
  assert.match(old.status, / 200 /);
  assert.ok(old.seen?.headers.host, JSON.stringify(old.seen?.headers));
});
