// Real nginx with a per-client connection limit (connLimit, `--conn-limit`): requests in flight at once per client
// address. An open WebSocket is one for as long as it stays open, so a client holding `max` of them is refused a
// further handshake and any other request (429) until it closes one; an idle keep-alive connection is none.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';
import { nginxSkip, type PlainSite, startPlainSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: PlainSite | undefined;
const agent = new Agent();

before(async () => {
  if (skip) return;
  site = await startPlainSite({ connLimit: { max: 2 } });
});

after(async () => {
  await agent.close();
  await site?.stop();
});

async function get(): Promise<number> {
  const response = await request(`http://127.0.0.1:${site!.port}/`, { dispatcher: agent });
  await response.body.dump();
  return response.statusCode;
}

/** Opens a WebSocket: the socket once open, or the status nginx refused the handshake with. */
function openSocket(): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${site!.port}/ws`);
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

test('a client with max WebSockets open gets 429 for another, and is let through once it closes one', {
  skip,
}, async () => {
  // A kept-alive connection, idle after its request, holds no place.
  assert.equal(await get(), 200);
  const first = await openSocket();
  assert.ok(first instanceof WebSocket, `the first WebSocket was refused: ${String(first)}`);
  assert.equal(await get(), 200, 'one WebSocket open of two allowed');
  const second = await openSocket();
  assert.ok(second instanceof WebSocket, `the second WebSocket was refused: ${String(second)}`);
  assert.equal(await openSocket(), 429);
  assert.equal(await get(), 429);

  const closed = new Promise((resolve) => first.once('close', resolve));
  first.close();
  await closed;
  // nginx frees the place once it has seen the close: ask until it has (at most 20 s).
  const deadline = Date.now() + 20_000;
  let status = await get();
  while (status === 429 && Date.now() < deadline) {
    await delay(50);
    status = await get();
  }
  assert.equal(status, 200);
  second.close();
});

test('connLimit renders limit_conn in every proxied location, its zone apart from the rate limit', () => {
  const config = generateNginxConfig(
    {
      sites: [
        {
          app: 'api',
          upstream: { port: 3000 },
          connLimit: { max: 10, status: 503, logLevel: 'info' },
          rateLimit: { rate: '10r/s' },
        },
      ],
    },
    { checkFiles: false },
  );
  assert.match(config, /limit_conn_zone \$binary_remote_addr zone=hive_api\.conn:10m;/);
  assert.match(config, /limit_req_zone \$binary_remote_addr zone=hive_api:10m rate=10r\/s;/);
  // location /, and the event-stream and WebSocket named locations.
  assert.equal(
    config.match(/limit_conn hive_api\.conn 10;\n\s*limit_conn_status 503;\n\s*limit_conn_log_level info;/g)?.length,
    3,
  );
});

test('a connLimit the generator cannot write is refused, naming the key', () => {
  const render = (connLimit: unknown) =>
    generateNginxConfig(
      { sites: [{ app: 'api', upstream: { port: 3000 }, connLimit } as never] },
      { checkFiles: false },
    );
  for (const [value, key] of [
    [{ max: 0 }, 'sites[0].connLimit.max'],
    [{ max: 1.5 }, 'sites[0].connLimit.max'],
    [{ max: 5, logLevel: 'debug' }, 'sites[0].connLimit.logLevel'],
    [{ max: 5, status: 200 }, 'sites[0].connLimit.status'],
    [10, 'sites[0].connLimit'],
  ] as const) {
    assert.throws(
      () => render(value),
      (error: unknown) =>
        error instanceof HiveError &&
        error.code === 'ERR_HIVE_EDGE_INVALID_OPTION' &&
        (error as HiveError & { key: string }).key === key,
      JSON.stringify(value),
    );
  }
});
