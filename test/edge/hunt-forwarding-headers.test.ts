// A client's own forwarding headers that nginx did not set reached the app as the client wrote them: `Forwarded`
// (RFC 7239: for, proto, host), `X-Forwarded-Port` (Astro's Node adapter, SvelteKit's PORT_HEADER) and
// `X-Forwarded-Ssl` (`on` read as https). An app, or a framework's proxy logic, that reads one of them took the
// client's word for its scheme, host, port or address, past the ones nginx set (X-Forwarded-For, -Proto, -Host,
// X-Real-IP). nginx now clears them, on every location that proxies (the event-stream one too), over HTTP and HTTPS.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { after, before, test } from 'node:test';
import { type EchoResponse, nginxSkip, rawRequest, startTlsSite, type TlsSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: TlsSite | undefined;

before(async () => {
  if (skip) return;
  site = await startTlsSite();
});

after(async () => {
  await site?.stop();
});

const spoofed = {
  forwarded: 'for=6.6.6.6;proto=https;host=evil.example',
  'x-forwarded-port': '443',
  'x-forwarded-ssl': 'on',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-for': '6.6.6.6',
  'x-real-ip': '6.6.6.6',
};
const spoofedHead = Object.entries(spoofed)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

/** The headers the app saw for a GET / over HTTPS (HTTP/1.1) carrying the spoofed headers. */
function httpsSeen(extra: Record<string, string> = {}): Promise<EchoResponse['seen']> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: site?.https ?? 0,
        path: '/',
        ca: site?.cert,
        servername: 'localhost',
        agent: false,
        headers: { ...spoofed, 'x-forwarded-ssl': 'off', ...extra },
      },
      (res: IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve(JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1))));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

function assertNginxTruth(seen: EchoResponse['seen'], proto: string, host: string, label: string): void {
  const headers = seen?.headers ?? {};
  assert.equal(headers.forwarded, undefined, `${label}: Forwarded`);
  assert.equal(headers['x-forwarded-port'], undefined, `${label}: X-Forwarded-Port`);
  assert.equal(headers['x-forwarded-ssl'], undefined, `${label}: X-Forwarded-Ssl`);
  // What nginx sets stands for the rest: its scheme, its host, the peer it saw (last in X-Forwarded-For).
  assert.equal(headers['x-forwarded-proto'], proto, `${label}: X-Forwarded-Proto`);
  assert.equal(headers['x-forwarded-host'], host, `${label}: X-Forwarded-Host`);
  assert.equal(headers['x-real-ip'], '127.0.0.1', `${label}: X-Real-IP`);
  assert.equal(headers['x-forwarded-for'], '6.6.6.6, 127.0.0.1', `${label}: X-Forwarded-For`);
}

test('a client-sent Forwarded, X-Forwarded-Port or X-Forwarded-Ssl never reaches the app over plain HTTP', {
  skip,
}, async () => {
  const http = site?.http ?? 0;
  const plain = await rawRequest(
    http,
    `GET / HTTP/1.1\r\nHost: api.example.com\r\n${spoofedHead}Connection: close\r\n\r\n`,
  );
  assert.match(plain.status, / 200 /, plain.status);
  assertNginxTruth(plain.seen, 'http', 'api.example.com', 'GET /');
  // An event-stream request is proxied from a named location of its own.
  const events = await rawRequest(
    http,
    `GET / HTTP/1.1\r\nHost: api.example.com\r\nAccept: text/event-stream\r\n${spoofedHead}Connection: close\r\n\r\n`,
  );
  assert.match(events.status, / 200 /, events.status);
  assertNginxTruth(events.seen, 'http', 'api.example.com', 'Accept: text/event-stream');
});

test('nor over HTTPS', { skip }, async () => {
  const host = `127.0.0.1:${site?.https}`;
  assertNginxTruth(await httpsSeen(), 'https', host, 'GET / over HTTPS');
  assertNginxTruth(await httpsSeen({ accept: 'text/event-stream' }), 'https', host, 'event stream over HTTPS');
});
