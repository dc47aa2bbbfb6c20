// Real nginx proxying to an app on a Unix socket (`upstream.socket`, the pairing with `hive run --socket`): requests
// arrive over the socket, on kept-alive upstream connections, and a TCP host listed beside the socket shares the
// traffic. The app is a fixture that listens on the socket itself (test/fixtures/edge/unix-socket-server.js).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { generateNginxConfig } from '../../dist/edge/index.js';
import {
  freePorts,
  makePrefix,
  nginxSkip,
  type RunningNginx,
  startNginx,
  startUpstream,
  stopChild,
  testMain,
  type UpstreamHost,
} from './nginx-harness.js';

interface Seen {
  name: string;
  headers: Record<string, string | undefined>;
  serverAddress: unknown;
  remoteAddress: string | null;
  connection?: number;
}

const appScript = fileURLToPath(new URL('../fixtures/edge/unix-socket-server.js', import.meta.url));
const skip = nginxSkip();
let dir = '';
let socket = '';
let app: ChildProcess | undefined;
let host: UpstreamHost | undefined;
let nginx: RunningNginx | undefined;
const ports = { socket: 0, mixed: 0 };
const agent = new Agent();

before(async () => {
  if (skip) return;
  // 0755 (makePrefix), not mkdtemp's 0700: nginx's workers run as `nobody` and must reach the socket inside.
  dir = await makePrefix();
  socket = join(dir, 'api.sock');
  app = await startSocketApp('sock', socket);
  host = await startUpstream('tcp', '127.0.0.2');
  [ports.socket, ports.mixed] = (await freePorts(2)) as [number, number];
  const config = generateNginxConfig(
    {
      main: testMain,
      sites: [
        {
          app: 'api',
          listen: { address: '127.0.0.1', port: ports.socket },
          // The port is there as in a config file whose app has both: the socket wins for the local cluster.
          upstream: { port: host.port, address: '127.0.0.2', socket },
          accessLog: 'access.log',
        },
        {
          app: 'mixed',
          listen: { address: '127.0.0.1', port: ports.mixed },
          // Passive health off, so round robin visits both servers in turn.
          upstream: { socket, hosts: [`${host.host}:${host.port}`], maxFails: 0 },
          accessLog: false,
        },
      ],
    },
    { shape: 'full' },
  );
  nginx = await startNginx(config, Object.values(ports));
});

after(async () => {
  await agent.close();
  await nginx?.stop();
  await host?.stop();
  if (app) await stopChild(app, 'SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function get(port: number, path: string): Promise<{ status: number; seen: Seen }> {
  const response = await request(`http://127.0.0.1:${port}${path}`, { dispatcher: agent });
  return { status: response.statusCode, seen: (await response.body.json()) as Seen };
}

test('requests reach the app over its Unix socket, on one kept-alive upstream connection', { skip }, async () => {
  const connections = new Set<number | undefined>();
  for (let i = 0; i < 5; i++) {
    const { status, seen } = await get(ports.socket, `/hello/${i}`);
    assert.equal(status, 200);
    assert.equal(seen.name, 'sock');
    // The app's server address is the socket's path, and a Unix socket peer has no address: not loopback TCP.
    assert.equal(seen.serverAddress, socket);
    assert.equal(seen.remoteAddress, null);
    // The client's address still arrives, from nginx's headers.
    assert.equal(seen.headers['x-real-ip'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    connections.add(seen.connection);
  }
  // One nginx worker sending one request at a time reuses its idle upstream connection (keepalive over the socket).
  assert.equal(connections.size, 1, `connections: ${[...connections].join(', ')}`);
  // nginx's own view: $upstream_addr in the access log (written with buffer=64k flush=1s, so it comes a little later).
  const lines = await accessLogLines(join(nginx!.prefix, 'access.log'), 5);
  assert.equal(lines.length, 5, lines.join('\n'));
  for (const line of lines) assert.ok(line.includes(` upstream=unix:${socket} `), line);
});

test('a TCP host listed beside the socket shares the traffic', { skip }, async () => {
  const names: string[] = [];
  for (let i = 0; i < 4; i++) {
    const { status, seen } = await get(ports.mixed, '/');
    assert.equal(status, 200);
    names.push(seen.name);
  }
  assert.deepEqual([...names].sort(), ['sock', 'sock', 'tcp', 'tcp']);
});

test('the socket file goes away with the app', { skip }, async () => {
  assert.ok(existsSync(socket));
  await stopChild(app!, 'SIGTERM');
  app = undefined;
  assert.equal(existsSync(socket), false);
  // nginx now has only a missing socket for this site: a 502 from nginx, not a hang or a TCP fallback.
  const response = await request(`http://127.0.0.1:${ports.socket}/`, { dispatcher: agent });
  await response.body.dump();
  assert.equal(response.statusCode, 502);
});

/** The access log's lines once it holds `count` of them (nginx flushes its buffer within a second). */
async function accessLogLines(file: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the fixture app on `path` and resolves once it listens (and the socket is writable by anyone). */
async function startSocketApp(name: string, path: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [appScript, name, path], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`app ${name} exited (${code}) before listening`)));
    setTimeout(() => reject(new Error(`app ${name} did not listen within 20 s`)), 20_000).unref();
  });
  return child;
}
