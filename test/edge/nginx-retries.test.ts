// Real nginx in front of three stand-in hosts with the default retry and passive-health settings: the app's own 5xx
// pass through without taking hosts out, and a request the app is slow on goes to one host only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { nginxSkip, type ProxiedSite, startProxy, startUpstream, type UpstreamHost } from './nginx-harness.js';

const skip = nginxSkip();
const hosts: UpstreamHost[] = [];
let proxy: ProxiedSite | undefined;
let port = 0;
const agent = new Agent({ connections: 4 });

before(async () => {
  if (skip) return;
  for (const [index, address] of ['127.0.0.2', '127.0.0.3', '127.0.0.4'].entries()) {
    hosts.push(await startUpstream(`h${index + 1}`, address));
  }
  proxy = await startProxy({
    // Defaults for max_fails, fail_timeout and retries: what a user gets. A short read timeout, as an app with a
    // tight --read-timeout has: below the retry budget's default of 10 s. The connect timeout must be below that
    // budget (hunt-connect-timeout.test.ts).
    upstream: { hosts: hosts.map((h) => `${h.host}:${h.port}`) },
    timeouts: { read: '1s', connect: '500ms' },
  });
  port = proxy.port;
});

after(async () => {
  await agent.close();
  await proxy?.stop();
  await Promise.all(hosts.map((h) => h.stop()));
});

async function get(path: string, to = `http://127.0.0.1:${port}`) {
  const response = await request(`${to}${path}`, { dispatcher: agent });
  return { status: response.statusCode, text: await response.body.text() };
}

/** How many requests for `path` reached each host, as the hosts count them. */
async function hitsOn(path: string): Promise<number[]> {
  const counts: number[] = [];
  for (const host of hosts) {
    const { text } = await get('/__hits', `http://${host.host}:${host.port}`);
    counts.push((JSON.parse(text) as Record<string, number>)[path] ?? 0);
  }
  return counts;
}

test("the app's 503 on one route reaches the client as is, once, and takes no host out", { skip }, async () => {
  for (let i = 0; i < 9; i++) {
    const response = await get('/status/503');
    assert.equal(response.status, 503, response.text);
    assert.match(response.text, /^h\d 503\n$/);
  }
  const hits = await hitsOn('/status/503');
  assert.equal(
    hits.reduce((a, b) => a + b),
    9,
    `hits per host ${hits}: a 503 was tried on other hosts`,
  );
  // Every host still takes traffic: none was counted as failed for the app's answers.
  const names = new Set<string>();
  for (let i = 0; i < 9; i++) {
    const response = await get('/');
    assert.equal(response.status, 200, response.text);
    names.add((JSON.parse(response.text) as { name: string }).name);
  }
  assert.deepEqual([...names].sort(), ['h1', 'h2', 'h3']);
});

test('a GET slower than the read timeout gets 504 from the one host that had it, not every host', {
  skip,
}, async () => {
  const response = await get('/slow/5000');
  assert.equal(response.status, 504);
  const hits = await hitsOn('/slow/5000');
  assert.deepEqual(
    hits.filter((n) => n > 0),
    [1],
    `hits per host ${hits}`,
  );
  assert.equal((await get('/')).status, 200);
});

test('a host that drops the request: GET, PUT and DELETE are replayed on another, POST and PATCH are not', {
  skip,
}, async () => {
  // A proxy of its own that never takes a host out, so that h1 gets its share of every method.
  const replays = await startProxy({ upstream: { hosts: hosts.map((h) => `${h.host}:${h.port}`), maxFails: 0 } });
  try {
    for (const method of ['GET', 'PUT', 'DELETE', 'POST', 'PATCH'] as const) {
      const path = `/replay/${method}`;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const response = await request(`http://127.0.0.1:${replays.port}${path}`, {
          method,
          dispatcher: agent,
          headers: { 'x-fail-on': 'h1' },
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
        });
        await response.body.text();
        statuses.push(response.statusCode);
      }
      const hits = await hitsOn(path);
      assert.ok(hits[0]! > 0, `${method}: h1 got none of ${hits}`);
      const dropped = hits[0]!;
      if (method === 'POST' || method === 'PATCH') {
        // nginx's rule without `non_idempotent`: the client gets 502 for each request h1 dropped.
        assert.equal(statuses.filter((s) => s === 502).length, dropped, `${method}: ${statuses}`);
        assert.equal(
          hits.reduce((a, b) => a + b),
          6,
          `${method}: hits per host ${hits}`,
        );
      } else {
        assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200], method);
        assert.equal(
          hits.reduce((a, b) => a + b),
          6 + dropped,
          `${method}: hits per host ${hits}`,
        );
      }
    }
  } finally {
    await replays.stop();
  }
});
