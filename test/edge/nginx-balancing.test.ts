// Real nginx in front of three stand-in hosts on 127.0.0.2-4: balancing, upstream keep-alive, forwarded headers,
// and a whole host SIGKILLed under bounded load with no failed idempotent request, then traffic back when it returns.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import {
  nginxSkip,
  startUpstream,
  startUpstreamSites,
  type UpstreamHost,
  type UpstreamSites,
} from './nginx-harness.js';

interface Seen {
  name: string;
  method: string;
  headers: Record<string, string | undefined>;
  remotePort: number;
}

const skip = nginxSkip();
let sites: UpstreamSites | undefined;
// The sites' own array: a host put back in it is stopped with them.
let hosts: UpstreamHost[] = [];
let port = 0;
let strictPort = 0;
let stickyPort = 0;
const agent = new Agent({ connections: 16 });

before(async () => {
  if (skip) return;
  sites = await startUpstreamSites(
    ['127.0.0.2', '127.0.0.3', '127.0.0.4'],
    [
      {
        app: 'api',
        // One failure takes a host out for 1 s, so the test sees it come back without waiting long.
        upstream: { maxFails: 1, failTimeout: '1s' },
        retries: { tries: 3, timeout: '10s' },
        accessLog: 'access.log',
      },
      // The same hosts with passive health off, so round robin visits every host in turn.
      { app: 'strict' },
      // Sticky by a cookie whose name has a `-`, which nginx cannot name as $cookie_my-sid.
      { app: 'chat', sticky: 'cookie:my-sid' },
    ],
  );
  hosts = sites.hosts;
  [port, strictPort, stickyPort] = sites.ports as [number, number, number];
});

after(async () => {
  await agent.close();
  await sites?.stop();
});

async function get(path = '/', headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET', to = port) {
  const response = await request(`http://127.0.0.1:${to}${path}`, { method, headers, dispatcher: agent });
  const text = await response.body.text();
  const seen = response.statusCode === 200 ? (JSON.parse(text) as Seen) : ({} as Seen);
  return { status: response.statusCode, headers: response.headers, seen };
}

test('requests are balanced over the three hosts, on kept-alive upstream connections', { skip }, async () => {
  const seen: Seen[] = [];
  for (let i = 0; i < 30; i++) {
    const response = await get();
    assert.equal(response.status, 200);
    seen.push(response.seen);
  }
  const names = new Set(seen.map((s) => s.name));
  assert.deepEqual([...names].sort(), ['h1', 'h2', 'h3']);
  // Sequential requests reuse the upstream sockets instead of opening one per request.
  const sockets = new Set(seen.map((s) => `${s.name}:${s.remotePort}`));
  assert.ok(sockets.size < seen.length, `${sockets.size} upstream sockets for ${seen.length} requests`);
  for (const s of seen) assert.notEqual(s.headers.connection, 'close');
});

test('hash on a cookie named with a dash: each client keeps its host, and the clients spread over the hosts', {
  skip,
}, async () => {
  const byClient = new Map<number, Set<string>>();
  for (let round = 0; round < 3; round++) {
    for (let client = 0; client < 30; client++) {
      const response = await get('/', { cookie: `theme=dark; my-sid=client-${client}` }, 'GET', stickyPort);
      assert.equal(response.status, 200);
      byClient.set(client, (byClient.get(client) ?? new Set()).add(response.seen.name));
    }
  }
  for (const [client, names] of byClient) assert.equal(names.size, 1, `client ${client} reached ${[...names]}`);
  const used = new Set([...byClient.values()].flatMap((names) => [...names]));
  assert.ok(used.size > 1, `30 clients all on ${[...used]}: the cookie's value is not what is hashed`);
});

test('forwarded headers and the request id reach the app and come back', { skip }, async () => {
  const minted = await get('/', { 'x-forwarded-for': '203.0.113.9' });
  assert.equal(minted.seen.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
  assert.equal(minted.seen.headers['x-real-ip'], '127.0.0.1');
  assert.equal(minted.seen.headers['x-forwarded-proto'], 'http');
  assert.match(minted.seen.headers['x-request-id'] ?? '', /^[0-9a-f]{32}$/);
  assert.equal(minted.headers['x-request-id'], minted.seen.headers['x-request-id']);

  const passed = await get('/', { 'x-request-id': 'trace-42.a' });
  assert.equal(passed.seen.headers['x-request-id'], 'trace-42.a');
  assert.equal(passed.headers['x-request-id'], 'trace-42.a');
  // A malformed id (log injection, oversized) is replaced, not forwarded.
  const replaced = await get('/', { 'x-request-id': 'bad id "quoted"' });
  assert.match(replaced.seen.headers['x-request-id'] ?? '', /^[0-9a-f]{32}$/);
});

test('a failed GET is retried on the next host; a failed POST is not replayed', { skip }, async () => {
  const fail = { 'x-fail-on': 'h2' };
  for (let i = 0; i < 6; i++) {
    const response = await get('/', fail, 'GET', strictPort);
    assert.equal(response.status, 200);
    assert.notEqual(response.seen.name, 'h2');
  }
  // Round robin sends one POST in three to h2, which drops it: nginx answers 502 instead of sending it elsewhere.
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await get('/', fail, 'POST', strictPort)).status);
  assert.deepEqual(statuses.sort(), [200, 200, 502]);
});

test('a host SIGKILLed under load: no failed idempotent request; traffic returns when it is back', {
  skip,
}, async () => {
  const victim = hosts[1]!;
  const total = 600;
  const concurrency = 8;
  let started = 0;
  let done = 0;
  let killed = false;
  const failures: string[] = [];
  const byHost = new Map<string, number>();
  let afterKill = 0;

  async function worker(): Promise<void> {
    while (started < total) {
      started++;
      try {
        const response = await get('/load');
        if (response.status !== 200) failures.push(`status ${response.status}`);
        else byHost.set(response.seen.name, (byHost.get(response.seen.name) ?? 0) + 1);
        if (killed) afterKill++;
      } catch (error) {
        failures.push(String(error));
      }
      done++;
      if (!killed && done >= total / 4) {
        killed = true;
        victim.child.kill('SIGKILL');
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  assert.deepEqual(failures, [], `${failures.length} failed requests`);
  assert.equal(done, total);
  assert.ok(afterKill > 0);
  assert.ok((byHost.get('h1') ?? 0) > 0 && (byHost.get('h3') ?? 0) > 0);
  await new Promise<void>((resolve) => {
    if (victim.child.exitCode !== null || victim.child.signalCode !== null) resolve();
    else victim.child.once('exit', () => resolve());
  });

  // The host comes back on the same address and port; nginx sends it traffic again after fail_timeout.
  const revived = await startUpstream(victim.name, victim.host, victim.port);
  hosts[1] = revived;
  const deadline = Date.now() + 30_000;
  let back = false;
  while (!back && Date.now() < deadline) {
    const response = await get();
    assert.equal(response.status, 200);
    back = response.seen.name === victim.name;
    if (!back) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(back, `${victim.name} got no traffic within 30 s of coming back`);
});
