// Real nginx, one live host and one that never answers the connect (a stopped process whose accept queue is full:
// the kernel drops further SYNs, as for a machine that is off). With the connect timeout below the retry time limit
// (what options.ts now requires), a GET that met the dead host is retried on the live one; with the connect timeout
// at the limit, as `timeouts: { read: "2s", connect: "2s" }` rendered before, nginx has used up the budget and
// answers 504 (hunt-connect-timeout.test.ts checks the refusal).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { nginxSkip, type ProxiedSite, startProxy, startUpstream, type UpstreamHost, wsEcho } from './nginx-harness.js';

const skip = nginxSkip();
let live: UpstreamHost | undefined;
let dead: ChildProcess | undefined;
const fillers: Socket[] = [];
const running: ProxiedSite[] = [];
let ports: number[] = [];
const agent = new Agent({ connections: 1 });

/** A listener on 127.0.0.3 with a backlog of 1, stopped, its accept queue filled: a host that answers no SYN. */
async function startDeadHost(): Promise<number> {
  const script = `const s = require('node:net').createServer();
s.listen({ host: '127.0.0.3', port: 0, backlog: 1 }, () => {
  process.stdout.write(String(s.address().port) + '\\n', () => process.kill(process.pid, 'SIGSTOP'));
});`;
  dead = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    dead!.stdout!.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    dead!.once('exit', (code) => reject(new Error(`dead host exited (${code})`)));
  });
  // Connections the stopped process never accepts fill its queue; the kernel then drops every further SYN.
  for (let i = 0; i < 3; i++) {
    const socket = new Socket();
    socket.on('error', () => {});
    socket.connect(port, '127.0.0.3');
    fillers.push(socket);
  }
  return port;
}

before(async () => {
  if (skip) return;
  live = await startUpstream('h1', '127.0.0.2');
  const deadPort = await startDeadHost();
  for (const connect of ['500ms', '2s']) {
    const site = {
      // max_fails 0: the dead host is never taken out, so round robin sends every other request to it first.
      upstream: { hosts: [`${live.host}:${live.port}`, `127.0.0.3:${deadPort}`], maxFails: 0 },
      timeouts: { read: '2s', connect: '500ms' },
    };
    // The second nginx gets the connect timeout the generator now refuses: equal to the retry time limit.
    running.push(
      await startProxy(site, (config) =>
        config.replace('proxy_connect_timeout 500ms;', `proxy_connect_timeout ${connect};`),
      ),
    );
  }
  // A short WebSocket idle timeout, the connect timeout left to the generator: a handshake's retry time limit is that
  // timeout (2s), so the connect timeout must be below it, not below the ordinary requests' (60s read).
  running.push(
    await startProxy({
      upstream: { hosts: [`${live.host}:${live.port}`, `127.0.0.3:${deadPort}`], maxFails: 0 },
      timeouts: { websocket: '2s' },
    }),
  );
  ports = running.map((proxy) => proxy.port);
});

after(async () => {
  await agent.close();
  await Promise.all(running.map((proxy) => proxy.stop()));
  for (const socket of fillers) socket.destroy();
  dead?.kill('SIGKILL');
  await live?.stop();
});

async function statuses(port: number, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent, reset: true });
    await response.body.text();
    seen.push(response.statusCode);
  }
  return seen;
}

test('a connect timeout below the retry time limit: a GET that met a dead host is retried on a live one', {
  skip,
}, async () => {
  assert.deepEqual(await statuses(ports[0]!, 4), [200, 200, 200, 200]);
});

test('a connect timeout equal to the retry time limit: nginx answers 504 instead of retrying', { skip }, async () => {
  const seen = await statuses(ports[1]!, 4);
  assert.ok(seen.includes(504), `statuses ${seen}`);
});

test('a WebSocket handshake that met a dead host is retried on a live one, its connect timeout below timeouts.websocket', {
  skip,
}, async () => {
  // Round robin with the dead host never taken out: every other handshake meets it first. Before, the connect timeout
  // was 5s, past the handshake's 2s retry time limit: each such handshake got 504, none was retried.
  for (let i = 0; i < 4; i++) {
    assert.equal(await wsEcho(`ws://127.0.0.1:${ports[2]}/ws`, `hello ${i}`), `h1:upgrade:hello ${i}`);
  }
});
