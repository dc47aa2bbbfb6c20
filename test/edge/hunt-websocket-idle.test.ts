// A WebSocket through nginx had the read timeout of ordinary requests as its idle limit (60s by default): a socket
// quiet for longer (a chat, a dashboard between updates) was closed by nginx and its client reconnected, and the one
// cure, a longer --read-timeout, let a hung ordinary request wait as long. A WebSocket handshake now goes to a named
// location with timeouts.websocket (default 1h, or the read timeout where longer) as its read and send timeouts,
// and an ordinary request keeps the read timeout. Here the read timeout is 1s: the socket outlives it idle, and a
// request slower than it still gets 504.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { getOnce, nginxSkip, type PlainSite, startPlainSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: PlainSite | undefined;

before(async () => {
  if (skip) return;
  site = await startPlainSite({ timeouts: { read: '1s' } });
});

after(async () => {
  await site?.stop();
});

test('a WebSocket idle for longer than the read timeout stays open', { skip }, async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${site!.port}/ws`);
  const events: string[] = [];
  socket.on('close', (code) => events.push(`close ${code}`));
  socket.on('error', (error) => events.push(`error ${error.message}`));
  const replies: string[] = [];
  socket.on('message', (data) => replies.push(String(data)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  // Three times the read timeout without a frame either way.
  await delay(3_000);
  assert.deepEqual(events, [], 'nginx closed the idle WebSocket');
  socket.send('still here');
  const deadline = Date.now() + 20_000;
  while (replies.length === 0 && events.length === 0 && Date.now() < deadline) await delay(50);
  assert.deepEqual(events, []);
  assert.match(replies[0] ?? '', /^h1:.*:still here$/);
  socket.close();
});

test('an ordinary request slower than the read timeout still gets 504', { skip }, async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: site!.port, path: '/slow/3000', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    });
    req.once('error', reject);
    req.end();
  });
  assert.equal(answer, '504');
  // The WebSocket's route is the upstream's too: an ordinary GET of it is answered as before.
  assert.equal((await getOnce('127.0.0.1', site!.port)).status, '200');
});

test("a WebSocket timeout shorter than the retry time limit is the handshake's retry time limit", () => {
  const config = generateNginxConfig(
    { sites: [{ app: 'api', upstream: { port: 3000 }, timeouts: { websocket: '2s' } }] },
    { checkFiles: false },
  );
  const named = /location @hive_websocket \{([^}]*)\}/.exec(config)?.[1] ?? '';
  assert.match(named, /proxy_read_timeout 2s;/);
  assert.match(named, /proxy_next_upstream_timeout 2s;/);
  const ordinary = /location \/ \{([\s\S]*?)\n {4}\}/.exec(config)?.[1] ?? '';
  assert.match(ordinary, /proxy_read_timeout 60s;/);
  assert.match(ordinary, /proxy_next_upstream_timeout 10s;/);
});
