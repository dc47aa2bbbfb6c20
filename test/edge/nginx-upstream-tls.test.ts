// An app that serves HTTPS itself behind real nginx. `hive edge nginx --app` wrote `proxy_pass http://` for it, and
// every request got 502 ("upstream prematurely closed connection"). `--upstream-tls` (upstream.tls) proxies with TLS:
// 200 from a 2-process `hive start` cluster, a WebSocket through it, the site's name as SNI; `--app` alone takes it
// from the server kind the daemon reports (https), and says so; `--upstream-ca` turns
// verification on (a certificate from another CA is refused: 502); a cookie hash still keeps a client on one host.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { tempHome, waitFor } from '../daemon/helpers.js';
import { runHiveEdge } from './edge-command.js';
import {
  freePort,
  getHttpsAppReply,
  makeCertificate,
  nginxSkip,
  type RunningNginx,
  startNginx,
  stopChild,
  testMain,
  wsEcho,
} from './nginx-harness.js';

const skip = nginxSkip();
const httpsApp = fileURLToPath(new URL('../fixtures/edge/https-app.js', import.meta.url));
const hive = tempHome();
const nginxes: RunningNginx[] = [];
const hosts: ChildProcess[] = [];
// The app's certificate (CN localhost, SAN localhost and 127.0.0.1), and one from another CA.
let cert: { cert: string; key: string };
let other: { cert: string; key: string };
let appPort = 0;

before(async () => {
  if (skip) return;
  mkdirSync(join(hive.dir, 'app'));
  mkdirSync(join(hive.dir, 'other'));
  cert = makeCertificate(join(hive.dir, 'app'));
  other = makeCertificate(join(hive.dir, 'other'));
  appPort = await freePort();
  const env = ['--env', `TLS_CERT=${cert.cert}`, '--env', `TLS_KEY=${cert.key}`];
  await hive.json(['start', httpsApp, '-i', '2', '--name', 'tls1', '--port', String(appPort), ...env]);
});

after(async () => {
  await Promise.all(nginxes.map((nginx) => nginx.stop()));
  await Promise.all(hosts.map((child) => stopChild(child, 'SIGTERM')));
});

const get = getHttpsAppReply;

/** `hive edge nginx --app tls1` with `flags`, as a whole nginx.conf run by a real nginx on a free port. */
async function nginxForApp(
  flags: string[],
  check?: (edge: { stdout: string; stderr: string }) => void,
): Promise<number> {
  const port = await freePort();
  const dir = join(hive.dir, `nginx-${port}`);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const main = ['--full', '--pid', join(dir, 'nginx.pid'), '--error-log', 'stderr', '--temp-dir', join(dir, 'tmp')];
  const listen = ['--listen', `127.0.0.1:${port}`, '--server-name', 'localhost', '--access-log', 'off'];
  const edge = await hive.run(['edge', 'nginx', '--app', 'tls1', ...listen, ...main, ...flags]);
  assert.equal(edge.code, 0, edge.stderr);
  // On this machine, unverified TLS is nothing to warn about.
  assert.doesNotMatch(edge.stderr, /does not verify/);
  check?.(edge);
  nginxes.push(await startNginx(edge.stdout, [port]));
  return port;
}

// The app is up once it answers HTTPS on its port (the daemon's `start` returns as its processes start).
async function appReady(): Promise<void> {
  const { request } = await import('node:https');
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const req = request({ host: '127.0.0.1', port: appPort, path: '/', rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.once('error', () => resolve(false));
        req.end();
      }),
    'the https app to answer',
  );
}

test('a hive app serving HTTPS is proxied with --upstream-tls: 200, SNI, WebSocket', { skip }, async () => {
  await appReady();
  // Without the flag: proxied over plain HTTP, the app's TLS server closed every connection, and nginx answered 502
  // with nothing said. The kind the runtime reports (https) now gives upstream TLS, said.
  const taken = await nginxForApp([], (edge) => {
    assert.match(edge.stdout, /proxy_pass https:\/\//);
    assert.match(edge.stderr, new RegExp(`app "tls1": its server on port ${appPort} serves HTTPS: nginx connects`));
  });
  assert.equal((await get(taken, 'localhost')).status, 200);

  // One worker, and an idle timeout no pause between two requests of this test reaches (Node's own is 5s).
  const port = await nginxForApp(['--upstream-tls', '--worker-processes', '1', '--keepalive-timeout', '4s']);
  const connections = new Set<number>();
  for (let i = 0; i < 6; i++) {
    const reply = await get(port, 'localhost');
    assert.equal(reply.status, 200);
    // The site's name as SNI: an app that picks its certificate by name gets the public one.
    assert.equal(reply.body?.sni, 'localhost');
    connections.add(reply.body!.remotePort);
  }
  // The same name whatever Host the client sent: nginx keeps connections per server, not per name.
  const byAddress = await get(port, '127.0.0.1');
  assert.equal(byAddress.status, 200);
  assert.equal(byAddress.body?.sni, 'localhost');
  // Upstream keep-alive still works over TLS: six requests from six clients, fewer connections to the app.
  assert.ok(connections.size < 6, `${connections.size} upstream connections for 6 requests`);
  // The upgrade goes through the named WebSocket location, over TLS too.
  assert.match(await wsEcho(`ws://127.0.0.1:${port}/ws`, 'over-tls'), /^\d+:over-tls$/);
  // Event streams have a location of their own, which proxies with TLS as well.
  assert.equal((await get(port, 'localhost', { accept: 'text/event-stream' })).status, 200);
});

test('--upstream-ca verifies the app certificate: its own CA passes, another is refused', { skip }, async () => {
  await appReady();
  // Verified for the site's name (--server-name localhost), which the certificate carries, whatever the Host.
  const verified = await nginxForApp(['--upstream-ca', cert.cert]);
  for (const host of ['localhost', '127.0.0.1']) {
    const reply = await get(verified, host);
    assert.equal(reply.status, 200);
    assert.equal(reply.body?.sni, 'localhost');
  }
  // A name the certificate does not carry, and a certificate from another CA: refused.
  const otherName = await nginxForApp(['--upstream-ca', cert.cert, '--upstream-tls-name', 'app.example.com']);
  assert.equal((await get(otherName, 'localhost')).status, 502);
  const wrongCa = await nginxForApp(['--upstream-ca', other.cert]);
  assert.equal((await get(wrongCa, 'localhost')).status, 502);
});

/** An https-app.js alone (no Hive) on `host`, its port once it listens. */
async function startHttpsHost(host: string): Promise<number> {
  const child = spawn(process.execPath, [httpsApp], {
    env: { ...process.env, HOST: host, PORT: '0', PRINT_PORT: '1', TLS_CERT: cert.cert, TLS_KEY: cert.key },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  hosts.push(child);
  return new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('\n')) resolve((JSON.parse(buffer.split('\n')[0]!) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`https host ${host} exited (${code}) before listening`)));
  });
}

test('a cookie hash keeps each client on one host over TLS to the hosts', { skip }, async () => {
  const [a, b] = await Promise.all([startHttpsHost('127.0.0.2'), startHttpsHost('127.0.0.3')]);
  const port = await freePort();
  const config = generateNginxConfig(
    {
      main: testMain,
      sites: [
        {
          app: 'api',
          serverName: 'localhost',
          listen: { address: '127.0.0.1', port },
          upstream: { hosts: `127.0.0.2:${a},127.0.0.3:${b}`, balance: 'hash:cookie:sid', tls: true, maxFails: 0 },
          accessLog: false,
        },
      ],
    },
    { shape: 'full' },
  );
  nginxes.push(await startNginx(config, [port]));
  const hostOf = new Map<string, Set<string>>();
  for (let round = 0; round < 3; round++) {
    for (let client = 0; client < 12; client++) {
      const reply = await get(port, 'localhost', { cookie: `theme=dark; sid=client-${client}` });
      assert.equal(reply.status, 200);
      const seen = hostOf.get(`client-${client}`) ?? new Set();
      seen.add(reply.body!.host);
      hostOf.set(`client-${client}`, seen);
    }
  }
  // Every client on one host, every time; the clients spread over both.
  for (const [client, seen] of hostOf) assert.equal(seen.size, 1, `${client} met ${[...seen].join(', ')}`);
  assert.equal(new Set([...hostOf.values()].flatMap((seen) => [...seen])).size, 2);
});

test('TLS to the app: refused for a header or cookie sticky cluster; warned unverified off this machine', () => {
  const dir = join(hive.dir, 'flags');
  mkdirSync(dir, { recursive: true });
  const sticky = runHiveEdge(dir, ['nginx', '--port', '3000', '--sticky', 'cookie:sid', '--upstream-tls']);
  assert.equal(sticky.code, 2);
  assert.match(sticky.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --upstream-tls \(upstream\.tls\): app "app" is sticky/);
  assert.match(sticky.stderr, /closes every such connection/);
  // `ip` reads no head: TLS passes through the sticky router.
  const ip = runHiveEdge(dir, ['nginx', '--port', '3000', '--sticky', 'ip', '--upstream-tls']);
  assert.equal(ip.code, 0, ip.stderr);

  const remote = runHiveEdge(dir, ['nginx', '--hosts', '10.0.0.5:3000,127.0.0.2:3000', '--upstream-tls']);
  assert.equal(remote.code, 0, remote.stderr);
  assert.match(remote.stderr, /warning: app "app": TLS to 10\.0\.0\.5:3000 does not verify/);
  assert.doesNotMatch(remote.stderr, /127\.0\.0\.2:3000 does not/);
  assert.match(remote.stdout, /proxy_ssl_verify off;/);

  const badName = runHiveEdge(dir, ['nginx', '--port', '3000', '--upstream-tls-name', '10.0.0.5']);
  assert.equal(badName.code, 2);
  assert.match(badName.stderr, /--upstream-tls-name \(upstream\.tls\.name\): expected a host name/);
  // server_name _ has no name to send: the client's $host, and nothing to verify it for with a CA.
  assert.match(ip.stdout, /proxy_ssl_name \$host;/);
  writeFileSync(join(dir, 'ca.pem'), '');
  const noName = runHiveEdge(dir, ['nginx', '--port', '3000', '--upstream-ca', 'ca.pem']);
  assert.equal(noName.code, 2);
  assert.match(noName.stderr, /--upstream-tls-name \(upstream\.tls\.name\): app "app" verifies .* no name/);
  const noCa = runHiveEdge(dir, ['nginx', '--port', '3000', '--upstream-ca', 'missing.pem', '--server-name', 'a.test']);
  assert.equal(noCa.code, 2);
  assert.match(noCa.stderr, /ERR_HIVE_EDGE_TLS_FILE: --upstream-ca \(upstream\.tls\.ca\): cannot read/);
});

test("a config file's upstream.tls: its relative ca read from the file's folder; flags merged over it", () => {
  const dir = join(hive.dir, 'config');
  mkdirSync(join(dir, 'certs'), { recursive: true });
  makeCertificate(join(dir, 'certs'));
  const edge = { upstream: { tls: { ca: 'certs/cert.pem' } } };
  const file = join(dir, 'hive.json');
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'api', script: 'server.js', port: 3443, edge }] }));
  const result = runHiveEdge(hive.dir, ['nginx', '--config', file, '--upstream-tls-name', 'api.internal']);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stdout.includes(`proxy_ssl_trusted_certificate ${join(dir, 'certs/cert.pem')};`), result.stdout);
  assert.match(
    result.stdout,
    /proxy_pass https:\/\/hive_api;\n\s+proxy_ssl_server_name on;\n\s+proxy_ssl_name api\.internal;/,
  );
  assert.match(result.stdout, /proxy_ssl_verify on;/);
});
