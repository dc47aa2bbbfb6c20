// Real nginx in front of real `hive run` primaries: balancing over a 2-process cluster, a rolling reload (SIGHUP)
// under load with no failed request, three primaries on 127.0.0.2-4 as three hosts, one SIGKILLed under load, and a
// cluster reached over its Unix socket (`hive run --socket`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { type Hive, startHive } from '../cluster/helpers.js';
import {
  freePort,
  makePrefix,
  nginxSkip,
  type RunningNginx,
  startNginx,
  stopChild,
  testMain,
  wsEcho,
} from './nginx-harness.js';

const skip = nginxSkip();
const app = fileURLToPath(new URL('../fixtures/edge/hive-app.js', import.meta.url));

type Primary = Hive;
const primaries = new Set<Hive>();
const nginxes: RunningNginx[] = [];
const agent = new Agent({ connections: 32 });
const tempDirs: string[] = [];

/** Starts `hive run` (JSON events, through the cluster tests' helper) and waits until its workers are online. */
async function startPrimary(host: string, port: number, instances: number, extra: string[] = []): Promise<Primary> {
  const primary = startHive([app, '-i', String(instances), '--port', String(port), ...extra], { HOST: host });
  primaries.add(primary);
  void primary.exited.then(() => primaries.delete(primary));
  await primary.waitFor((e) => e.type === 'state' && e.state === 'online', `${host}:${port} online`, 60_000);
  return primary;
}

async function get(port: number): Promise<{ status: number; pid: number; host: string }> {
  const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent });
  const text = await response.body.text();
  if (response.statusCode !== 200) return { status: response.statusCode, pid: 0, host: '' };
  return { status: 200, ...(JSON.parse(text) as { pid: number; host: string }) };
}

/** Sends `total` GETs through nginx, `concurrency` at a time; `during` runs once `trigger` of them are done. */
async function load(port: number, total: number, concurrency: number, trigger: number, during: () => void) {
  let started = 0;
  let done = 0;
  let fired = false;
  const failures: string[] = [];
  const pids = new Set<number>();
  const hosts = new Map<string, number>();
  async function worker() {
    while (started < total) {
      started++;
      try {
        const reply = await get(port);
        if (reply.status !== 200) failures.push(`status ${reply.status}`);
        pids.add(reply.pid);
        hosts.set(reply.host, (hosts.get(reply.host) ?? 0) + 1);
      } catch (error) {
        failures.push(String(error));
      }
      done++;
      if (!fired && done >= trigger) {
        fired = true;
        during();
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failures, pids, hosts };
}

/** Real nginx with Hive's full config for one app with `upstream` (and the site options in `site`). */
async function nginxFor(
  upstream: Record<string, unknown>,
  site: { sticky?: string; accessLog?: false | string } = {},
): Promise<{ port: number; nginx: RunningNginx }> {
  const port = await freePort();
  const config = generateNginxConfig(
    {
      main: testMain,
      sites: [
        {
          app: 'app',
          listen: { address: '127.0.0.1', port },
          upstream,
          ...(site.sticky !== undefined && { sticky: site.sticky }),
          accessLog: site.accessLog ?? false,
        },
      ],
    },
    { shape: 'full' },
  );
  const nginx = await startNginx(config, [port]);
  nginxes.push(nginx);
  return { port, nginx };
}

after(async () => {
  await agent.close();
  await Promise.all(nginxes.map((n) => n.stop()));
  await Promise.all([...primaries].map((primary) => stopChild(primary.child, 'SIGTERM')));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

test('nginx balances over a 2-process hive run; a rolling reload under load fails no request', { skip }, async () => {
  const appPort = await freePort();
  // A generous listen timeout: on a loaded machine a replacement may take long to start, and the reload must not
  // abort for that.
  const primary = await startPrimary('127.0.0.1', appPort, 2, ['--listen-timeout', '60s']);
  const { port } = await nginxFor({ hosts: [`127.0.0.1:${appPort}`] });

  // Concurrent requests make nginx open several upstream connections, which the primary deals out in turn.
  const warm = await load(port, 200, 8, Number.POSITIVE_INFINITY, () => {});
  assert.deepEqual(warm.failures, []);
  assert.equal(warm.pids.size, 2, `pids seen: ${[...warm.pids].join(', ')}`);

  let reloaded: Promise<unknown> | undefined;
  const during = await load(port, 1500, 8, 100, () => {
    primary.child.kill('SIGHUP');
    reloaded = primary.waitFor((e) => e.type === 'reload' && e.phase !== 'start', 'reload end', 60_000);
  });
  await reloaded;
  assert.ok(
    primary.records.some((e) => e.type === 'reload' && e.phase === 'done'),
    'the reload completed',
  );
  assert.deepEqual(
    during.failures,
    [],
    `${during.failures.length} failed requests during the reload; nginx said:\n${nginxes.at(-1)?.output()}`,
  );
  // Old processes may still finish requests on their kept-alive connections while they drain; once they have
  // exited, only the new ones answer.
  for (const pid of warm.pids)
    await primary.waitFor((e) => e.type === 'exit' && e.pid === pid, `exit of ${pid}`, 60_000);
  const after = await load(port, 100, 8, Number.POSITIVE_INFINITY, () => {});
  assert.deepEqual(after.failures, []);
  for (const pid of after.pids) assert.ok(!warm.pids.has(pid), `pid ${pid} is a new worker`);
});

test('three hive run primaries on 127.0.0.2-4: balanced, one SIGKILLed under load, back after restart', {
  skip,
}, async () => {
  const appPort = await freePort();
  const addresses = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
  const hosts: Primary[] = [];
  for (const address of addresses) hosts.push(await startPrimary(address, appPort, 1));
  const { port } = await nginxFor({ hosts: addresses.map((a) => `${a}:${appPort}`), maxFails: 1, failTimeout: '1s' });

  const warm = await load(port, 60, 4, Number.POSITIVE_INFINITY, () => {});
  assert.deepEqual(warm.failures, []);
  assert.deepEqual([...warm.hosts.keys()].sort(), addresses);

  // SIGKILL takes the primary down at once; its worker follows when the IPC channel closes.
  const victim = hosts[1]!;
  const killed = await load(port, 600, 8, 150, () => victim.child.kill('SIGKILL'));
  assert.deepEqual(
    killed.failures,
    [],
    `${killed.failures.length} failed requests; nginx said:\n${nginxes.at(-1)?.output()}`,
  );

  await new Promise((resolve) => setTimeout(resolve, 200));
  hosts[1] = await startPrimary(addresses[1]!, appPort, 1);
  const deadline = Date.now() + 30_000;
  let back = false;
  while (!back && Date.now() < deadline) {
    const reply = await get(port);
    assert.equal(reply.status, 200);
    back = reply.host === addresses[1];
  }
  assert.ok(back, `${addresses[1]} got no traffic within 30 s of coming back`);
});

test('a sticky cluster behind nginx: each client keeps one process for HTTP and WebSocket', { skip }, async () => {
  const appPort = await freePort();
  // Behind nginx the cluster sees nginx's address; the client's is in X-Real-IP, which nginx sets.
  await startPrimary('127.0.0.1', appPort, 2, ['--sticky', 'header:x-real-ip']);
  const { port } = await nginxFor({ hosts: [`127.0.0.1:${appPort}`] }, { sticky: 'header:x-real-ip' });

  // Clients on six loopback addresses (nginx's $remote_addr), each with its own keep-alive connection to nginx,
  // taking turns: a kept-alive upstream connection would carry one client's requests to another client's process.
  const clients = Array.from({ length: 6 }, (_, i) => `127.0.0.${10 + i}`);
  const agents = clients.map((localAddress) => new Agent({ localAddress }));
  const pidsByClient = new Map(clients.map((client) => [client, new Set<number>()]));
  for (let round = 0; round < 3; round++) {
    for (const [index, client] of clients.entries()) {
      const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: agents[index] });
      assert.equal(response.statusCode, 200);
      pidsByClient.get(client)!.add((JSON.parse(await response.body.text()) as { pid: number }).pid);
    }
  }
  await Promise.all(agents.map((a) => a.close()));
  for (const client of clients) {
    const reply = await wsEcho(`ws://127.0.0.1:${port}/ws`, 'hi', client);
    pidsByClient.get(client)!.add(Number(reply.split(':')[0]));
  }
  for (const [client, pids] of pidsByClient) assert.equal(pids.size, 1, `${client} reached ${[...pids].join(', ')}`);
  const all = new Set([...pidsByClient.values()].flatMap((pids) => [...pids]));
  assert.equal(all.size, 2, 'the clients are spread over both processes');
});

test('hive run --socket behind nginx: both processes answer over the socket, HTTP and WebSocket', {
  skip,
}, async () => {
  // A 0755 folder, so that nginx's workers (nobody, when nginx starts as root) reach the 0666 socket inside.
  const dir = await makePrefix();
  tempDirs.push(dir);
  const socket = join(dir, 'app.sock');
  const appPort = await freePort();
  await startPrimary('127.0.0.1', appPort, 2, ['--socket', socket, '--socket-mode', '666']);
  // Both, as an app of a config file would give: the socket is the local server.
  const { port, nginx } = await nginxFor({ port: appPort, socket }, { accessLog: 'access.log' });

  const result = await load(port, 200, 8, Number.POSITIVE_INFINITY, () => {});
  assert.deepEqual(result.failures, [], nginx.output());
  assert.equal(result.pids.size, 2, `pids seen: ${[...result.pids].join(', ')}`);
  const reply = await wsEcho(`ws://127.0.0.1:${port}/ws`, 'hi');
  assert.match(reply, /^\d+:hi$/);

  // nginx's side: every request went to unix:<socket> (the log is buffered for up to a second).
  const file = join(nginx.prefix, 'access.log');
  const deadline = Date.now() + 20_000;
  let lines: string[] = [];
  while (lines.length < 201 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  }
  assert.equal(lines.length, 201);
  for (const line of lines) assert.ok(line.includes(` upstream=unix:${socket} `), line);
});
