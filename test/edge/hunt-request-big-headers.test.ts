// A request with a cookie (or a JWT) over 8k got 400 "Request Header Or Cookie Too Large" from nginx, whose default
// large_client_header_buffers is 4 8k, where Node.js behind it takes 16k (--max-http-header-size): a big session
// cookie failed only behind the edge. Every server block now has `large_client_header_buffers 4 <--header-buffer>`
// (16k by default, never under nginx's 8k). Before Host, nginx reads with the default server's value: checked here.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { nginxChecker } from './config-checks.js';
import {
  freePorts,
  makeCertificate,
  makePrefix,
  nginxSkip,
  type RunningNginx,
  startNginx,
  testMain,
} from './nginx-harness.js';

const skip = nginxSkip();
const passesNginx = nginxChecker();
let app: Server | undefined;
let nginx: RunningNginx | undefined;
let ports: number[] = [];

// Node's own limits (16k of headers), answering with the length of the cookie it got.
before(async () => {
  if (skip) return;
  app = createServer((req, res) => res.end(String(req.headers.cookie?.length ?? 0)));
  await new Promise<void>((resolve) => app!.listen(0, '127.0.0.2', () => resolve()));
  const upstream = `127.0.0.2:${(app.address() as { port: number }).port}`;
  ports = await freePorts(2);
  const sites = [
    { app: 'one', listen: { address: '127.0.0.1', port: ports[0]! }, upstream: { hosts: upstream } },
    // Two apps on one port: `small` (8k) is its default server, `big` (16k) answers big.test.
    {
      app: 'small',
      serverName: 'small.test',
      listen: { address: '127.0.0.1', port: ports[1]!, defaultServer: true },
      upstream: { hosts: upstream },
      headerBufferSize: '4k',
    },
    {
      app: 'big',
      serverName: 'big.test',
      listen: { address: '127.0.0.1', port: ports[1]! },
      upstream: { hosts: upstream },
    },
  ].map((s) => ({ ...s, accessLog: false as const }));
  nginx = await startNginx(generateNginxConfig({ main: testMain, sites }, { shape: 'full' }), ports);
});

after(async () => {
  await nginx?.stop();
  app?.closeAllConnections();
  await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
});

/** The status and body of a GET with `headers` in this order, written as is (Node's client would put Host last). */
function get(port: number, headers: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk;
    });
    socket.on('end', () => {
      const status = /^HTTP\/1\.1 (\d+)/.exec(reply)?.[1];
      resolve(`${status} ${status === '200' ? reply.slice(reply.indexOf('\r\n\r\n') + 4) : ''}`.trim());
    });
    socket.on('error', reject);
    socket.connect(port, '127.0.0.1', () =>
      socket.write(`GET / HTTP/1.1\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`),
    );
  });
}

const cookie = (bytes: number) => `Cookie: sid=${'a'.repeat(bytes - 4)}`;

test('a 9000-byte cookie reaches the app through the default config', { skip }, async () => {
  assert.equal(await get(ports[0]!, ['Host: api.test', cookie(9000)]), '200 9000');
  // Past the buffer, nginx's 400, as before for anything over 8k.
  assert.equal(await get(ports[0]!, ['Host: api.test', cookie(17_000)]), '400');
});

test('a header before Host is read with the default server of the port', { skip }, async () => {
  assert.equal(await get(ports[1]!, ['Host: big.test', cookie(12_000)]), '200 12000');
  assert.equal(await get(ports[1]!, [cookie(12_000), 'Host: big.test']), '400');
  assert.equal(await get(ports[1]!, ['Host: small.test', cookie(9000)]), '400');
  assert.equal(await get(ports[1]!, ['Host: small.test', cookie(8000)]), '200 8000');
});

test('every server block has it, the HTTPS redirect too, at the --header-buffer size and at least 8k', async () => {
  const dir = await makePrefix();
  const tls = makeCertificate(dir);
  for (const [headerBufferSize, size] of [
    [undefined, '16k'],
    ['4k', '8k'],
    ['32k', '32k'],
    ['1m', '1024k'],
  ] as const) {
    const config = passesNginx({
      sites: [{ app: 'api', upstream: { port: 3000 }, tls, ...(headerBufferSize && { headerBufferSize }) }],
    });
    const servers = config.split(/^\s*server \{$/m).slice(1);
    assert.equal(servers.length, 2, config);
    for (const server of servers) assert.match(server, new RegExp(`\\n\\s+large_client_header_buffers 4 ${size};\\n`));
  }
  await rm(dir, { recursive: true, force: true });
});
