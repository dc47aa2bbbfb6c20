// `hive run --sticky cookie:connect.sid` (express-session's default cookie) ran, while `hive edge nginx` and `hive
// deploy` refused it with "expected ip, header:<name> or cookie:<name>"; and they took `header:x_client`, which nginx
// drops (underscores_in_headers is off by default), so stickiness silently broke behind nginx. One parser now decides
// for every command, nginx reads a cookie it has no $cookie_ variable for through a map, and a header name nginx
// drops is refused naming why. A client without the cookie or header (a browser's first request, its WebSocket
// upgrade) was spread round-robin by nginx's `hash` on an empty key; it now hashes on its address, as Hive does.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { parseStickyMode } from '../../dist/cluster/index.js';
import { DeployOptionError, EdgeOptionError, renderDeployRecipe, resolveEdgeConfig } from '../../dist/edge/index.js';
import { nginxSkip, startUpstreamSites, type UpstreamSites } from './nginx-harness.js';

const skip = nginxSkip();
let sites: UpstreamSites | undefined;
let cookiePort = 0;
let headerPort = 0;
let oddPort = 0;
// Every character a token may hold that PCRE or nginx's reader would otherwise take as syntax.
const oddCookie = "a$b'c|d.e*f+g^h~i`j!k#l%m&n";
const agent = new Agent({ connections: 4 });

before(async () => {
  if (skip) return;
  sites = await startUpstreamSites(
    ['127.0.0.2', '127.0.0.3'],
    [
      { app: 'chat', sticky: 'cookie:connect.sid' },
      { app: 'feed', sticky: 'header:x-client' },
      { app: 'odd', sticky: `cookie:${oddCookie}` },
    ],
  );
  [cookiePort, headerPort, oddPort] = sites.ports as [number, number, number];
});

after(async () => {
  await agent.close();
  await sites?.stop();
});

async function hostOf(port: number, headers: Record<string, string> = {}): Promise<string> {
  const response = await request(`http://127.0.0.1:${port}/`, { headers, dispatcher: agent });
  const text = await response.body.text();
  assert.equal(response.statusCode, 200, text);
  return (JSON.parse(text) as { name: string }).name;
}

test('every command takes cookie:connect.sid', () => {
  assert.deepEqual(parseStickyMode('cookie:connect.sid'), { by: 'cookie', name: 'connect.sid' });
  const site = resolveEdgeConfig({ sites: [{ app: 'chat', sticky: 'cookie:connect.sid', upstream: { port: 3000 } }] })
    .sites[0];
  assert.equal(site?.upstream.balance, 'hash:cookie:connect.sid');
  const compose = renderDeployRecipe('compose', { app: 'chat', sticky: 'cookie:connect.sid' });
  assert.match(compose.find((file) => file.path === 'nginx.conf')?.content ?? '', /connect\\\.sid=/);
});

test('a name no HTTP token can be is refused by every command, naming the character', () => {
  assert.throws(() => parseStickyMode('cookie:my sid'), /holds " "/);
  assert.throws(
    () => resolveEdgeConfig({ sites: [{ app: 'chat', sticky: 'cookie:my sid', upstream: { port: 3000 } }] }),
    (error: unknown) => error instanceof EdgeOptionError && /holds " "/.test(error.message),
  );
  assert.throws(
    () => renderDeployRecipe('compose', { app: 'chat', sticky: 'cookie:my sid' }),
    (error: unknown) => error instanceof DeployOptionError && /holds " "/.test(error.message),
  );
});

test('a header name nginx drops is refused by hive edge and hive deploy k8s, saying why', () => {
  assert.deepEqual(parseStickyMode('header:x_client'), { by: 'header', name: 'x_client' });
  assert.throws(
    () => resolveEdgeConfig({ sites: [{ app: 'chat', sticky: 'header:x_client', upstream: { port: 3000 } }] }),
    (error: unknown) =>
      error instanceof EdgeOptionError &&
      error.key === 'sites[0].sticky' &&
      /underscores_in_headers/.test(error.message) &&
      /"x-client"/.test(error.message),
  );
  assert.throws(
    () =>
      resolveEdgeConfig({
        sites: [{ app: 'chat', upstream: { port: 3000, balance: 'hash:header:x_client' } }],
      }),
    (error: unknown) => error instanceof EdgeOptionError && error.key === 'sites[0].upstream.balance',
  );
  assert.throws(
    () => renderDeployRecipe('k8s', { app: 'chat', sticky: 'header:x_client' }),
    (error: unknown) => error instanceof DeployOptionError && /drops such headers/.test(error.message),
  );
  assert.throws(
    () => renderDeployRecipe('k8s', { app: 'chat', sticky: 'cookie:connect.sid' }),
    (error: unknown) => error instanceof DeployOptionError && /"connect"/.test(error.message),
  );
});

test('through nginx, each connect.sid keeps its host, and the clients spread over both', { skip }, async () => {
  const byClient = new Map<number, Set<string>>();
  for (let round = 0; round < 3; round++) {
    for (let client = 0; client < 20; client++) {
      const name = await hostOf(cookiePort, { cookie: `theme=dark; connect.sid=s%3Aclient-${client}.sig` });
      byClient.set(client, (byClient.get(client) ?? new Set()).add(name));
    }
  }
  for (const [client, names] of byClient) assert.equal(names.size, 1, `client ${client} reached ${[...names]}`);
  const used = new Set([...byClient.values()].flatMap((names) => [...names]));
  assert.equal(used.size, 2, `20 clients all on ${[...used]}: the cookie's value is not what is hashed`);
});

test('through nginx, a cookie name with every token punctuation mark is read whole', { skip }, async () => {
  const byClient = new Map<number, Set<string>>();
  for (let round = 0; round < 2; round++) {
    for (let client = 0; client < 20; client++) {
      // Unescaped, the name would not match itself, and every client would hash on the one address.
      const name = await hostOf(oddPort, { cookie: `n=same; ${oddCookie}=client-${client}` });
      byClient.set(client, (byClient.get(client) ?? new Set()).add(name));
    }
  }
  for (const [client, names] of byClient) assert.equal(names.size, 1, `client ${client} reached ${[...names]}`);
  const used = new Set([...byClient.values()].flatMap((names) => [...names]));
  assert.equal(used.size, 2, `20 clients all on ${[...used]}: the cookie's value is not what is hashed`);
});

test('through nginx, a client without the cookie or the header stays on one host', { skip }, async () => {
  for (const [port, headers] of [
    [cookiePort, {}],
    [cookiePort, { cookie: 'theme=dark; connect=other' }],
    [headerPort, {}],
    [headerPort, { 'x-client': '' }],
  ] as const) {
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add(await hostOf(port, headers));
    assert.equal(seen.size, 1, `${port} ${JSON.stringify(headers)}: requests reached ${[...seen]}`);
  }
});
