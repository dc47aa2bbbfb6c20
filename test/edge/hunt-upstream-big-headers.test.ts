// A response with more than about 4 KiB of headers (a few cookies, a Content-Security-Policy, a JWT in a header) came
// back from nginx as 502 "upstream sent too big header": proxy_buffer_size was nginx's default, one memory page. The
// generated config now reads up to 16k of headers, `headerBufferSize` sets it (4k to 1m), and every value renders a
// proxy_buffers / proxy_busy_buffers_size pair that `nginx -t` accepts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { nginxChecker, rejects, site } from './config-checks.js';
import { freePorts, nginxSkip, type RunningNginx, startNginx, testMain } from './nginx-harness.js';

const skip = nginxSkip();
const passesNginx = nginxChecker();
let app: Server | undefined;
let nginx: RunningNginx | undefined;
let ports: number[] = [];

// Answers /<n> with a header of n bytes.
before(async () => {
  if (skip) return;
  app = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-big': 'a'.repeat(Number(req.url?.slice(1))) });
    res.end('ok');
  });
  await new Promise<void>((resolve) => app!.listen(0, '127.0.0.2', () => resolve()));
  const upstream = `127.0.0.2:${(app.address() as { port: number }).port}`;
  ports = await freePorts(2);
  const sites = [
    { app: 'plain', listen: { address: '127.0.0.1', port: ports[0]! }, upstream: { hosts: upstream } },
    {
      app: 'roomy',
      listen: { address: '127.0.0.1', port: ports[1]! },
      upstream: { hosts: upstream },
      headerBufferSize: '64k',
    },
  ].map((s) => ({ ...s, accessLog: false as const }));
  nginx = await startNginx(generateNginxConfig({ main: testMain, sites }, { shape: 'full' }), ports);
});

after(async () => {
  await nginx?.stop();
  app?.closeAllConnections();
  await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
});

/** The status and the length of the big header, for GET /<bytes> through nginx on `port`. */
function status(port: number, bytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // maxHeaderSize: the client's own limit is 16 KiB, like Node's server's.
    request({ host: '127.0.0.1', port, path: `/${bytes}`, agent: false, maxHeaderSize: 128 * 1024 }, (res) => {
      res.resume();
      res.on('end', () => resolve(`${res.statusCode} ${String(res.headers['x-big'] ?? '').length}`));
    })
      .on('error', reject)
      .end();
  });
}

test('response headers up to 16k pass by default; past the buffer, nginx answers 502', { skip }, async () => {
  assert.equal(await status(ports[0]!, 6000), '200 6000');
  assert.equal(await status(ports[0]!, 15_000), '200 15000');
  assert.equal(await status(ports[0]!, 20_000), '502 0');
});

test('headerBufferSize makes room for more', { skip }, async () => {
  assert.equal(await status(ports[1]!, 60_000), '200 60000');
});

test('every header buffer size from 4k to 1m passes nginx -t, and others are refused', () => {
  for (const headerBufferSize of ['4k', '16k', '28k', '29k', '64k', '1m', 8192, '1000k']) {
    const config = passesNginx({ sites: [site({ headerBufferSize })] });
    assert.match(config, /proxy_buffer_size \d+k;/);
  }
  for (const headerBufferSize of ['3k', '2m', '0', 'lots', 1024, '16K ']) {
    rejects({ sites: [site({ headerBufferSize })] }, 'sites[0].headerBufferSize', /from 4k to 1m/);
  }
});

test('hive edge nginx --header-buffer sets it, and a bad size is refused naming the flag', () => {
  const command = new URL('../../dist/cli/commands/edge.js', import.meta.url).href;
  const script = `const m = await import(${JSON.stringify(command)}); process.exitCode = await m.default(process.argv.slice(1));`;
  const run = (value: string) =>
    spawnSync(
      process.execPath,
      ['--input-type=module', '-e', script, 'nginx', '--app', 'api', '--port', '3000', '--header-buffer', value],
      { encoding: 'utf8' },
    );
  const good = run('32k');
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /proxy_buffer_size 32k;\n\s+proxy_buffers 9 4k;\n\s+proxy_busy_buffers_size 32k;/);
  const bad = run('2m');
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--header-buffer \(headerBufferSize\): expected a size from 4k to 1m/);
});
