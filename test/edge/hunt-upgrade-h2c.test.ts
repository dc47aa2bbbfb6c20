// The $http_upgrade map sent `Connection: upgrade` and the client's Upgrade header for any Upgrade value: a client's
// `Upgrade: h2c` reached the app as an upgrade request, and an app (or a proxy behind nginx) that takes h2c would
// hand the client an HTTP/2 cleartext tunnel past every location rule, limit and header of the config (h2c
// smuggling). Only a WebSocket's Upgrade, in any case, is forwarded now. Real nginx, a real upstream.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { nginxSkip, type PlainSite, startPlainSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: PlainSite | undefined;

before(async () => {
  if (skip) return;
  site = await startPlainSite();
});

after(async () => {
  await site?.stop();
});

/** A request with `headers` on a connection of its own: a response, or the socket of a 101. */
function send(path: string, headers: Record<string, string>): Promise<IncomingMessage | { upgraded: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: site?.port ?? 0, path, headers, agent: false });
    req.once('response', resolve);
    req.once('upgrade', (_res, socket: Socket) => resolve({ upgraded: socket }));
    req.once('error', reject);
    req.end();
  });
}

function bodyOf(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      body += chunk;
    });
    res.once('end', () => resolve(body));
    res.once('error', reject);
  });
}

test('an h2c Upgrade is not forwarded: the app gets a plain request without Upgrade or Connection', {
  skip,
}, async () => {
  const res = await send('/', {
    connection: 'Upgrade, HTTP2-Settings',
    upgrade: 'h2c',
    'http2-settings': 'AAMAAABkAARAAAAAAAIAAAAA',
  });
  assert.ok(!('upgraded' in res), 'no 101');
  const body = await bodyOf(res);
  // Forwarded, the upstream's server took it as an upgrade (its WebSocket server refused it: 400).
  assert.equal(res.statusCode, 200, body);
  const seen = JSON.parse(body) as { headers: Record<string, string> };
  assert.equal(seen.headers.upgrade, undefined);
  assert.equal(seen.headers.connection, undefined);
});

test('a WebSocket handshake still upgrades, whatever the case of its Upgrade value', { skip }, async () => {
  for (const value of ['websocket', 'WebSocket']) {
    const res = await send('/ws', {
      connection: 'Upgrade',
      upgrade: value,
      'sec-websocket-key': randomBytes(16).toString('base64'),
      'sec-websocket-version': '13',
    });
    assert.ok('upgraded' in res, `${value}: expected a 101, got ${'statusCode' in res ? res.statusCode : ''}`);
    res.upgraded.destroy();
  }
});
