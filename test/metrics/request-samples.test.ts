import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import type { HiveSnapshot, SampledRequest } from '../../dist/dashboard/index.js';
import { freePort, isEvent, killAll, startHive } from '../cluster/helpers.js';

const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;

after(killAll);

async function get(url: string, headers: Record<string, string> = {}) {
  const { statusCode, headers: answer, body } = await request(url, { headers, reset: true });
  return { status: statusCode, headers: answer, text: await body.text() };
}

test('request sampling: the slowest requests of each interval reach the primary with their pool tasks', async () => {
  const port = await freePort();
  const hive = startHive([app, '-i', '1', '--port', String(port), '--dashboard', '127.0.0.1:0']);
  const event = await hive.waitFor(isEvent('dashboard'), 'the dashboard address');
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  const seen = new Map<string, SampledRequest>();
  const deadline = Date.now() + 30_000;
  // Keep sending until one interval's samples held both kinds: each interval keeps its 5 slowest.
  let round = 0;
  const has = (prefix: string) => [...seen.keys()].some((id) => id.startsWith(prefix));
  while (!(has('slow-') && has('compute-'))) {
    assert.ok(Date.now() < deadline, `no samples with both requests: ${JSON.stringify([...seen.values()])}`);
    await Promise.all([
      get(`http://127.0.0.1:${port}/slow?ms=300`, { 'x-request-id': `slow-${round}` }),
      get(`http://127.0.0.1:${port}/compute?x=1`, { 'x-request-id': `compute-${round}` }),
      get(`http://127.0.0.1:${port}/`),
    ]);
    round++;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const snapshot = JSON.parse((await get(`${event.url}api/snapshot`)).text) as HiveSnapshot;
    for (const sample of snapshot.apps[0]?.requests ?? []) seen.set(sample.id, sample);
  }
  const slow = [...seen.values()].find((s) => s.id.startsWith('slow-')) as SampledRequest;
  assert.equal(slow.method, 'GET');
  assert.equal(slow.path, '/slow');
  assert.equal(slow.status, 200);
  assert.equal(slow.instance, 0);
  assert.ok(slow.totalMs >= 299, `the 300 ms request took ${slow.totalMs} ms`);
  assert.deepEqual(slow.tasks, []);
  const compute = [...seen.values()].find((s) => s.id.startsWith('compute-')) as SampledRequest;
  assert.equal(compute.path, '/compute', 'the query string is left out');
  assert.equal(compute.tasks.length, 1);
  const [task] = compute.tasks;
  assert.ok(Number.isInteger(task?.thread), JSON.stringify(task));
  assert.ok(
    task && task.queuedAt >= 0 && task.queuedAt <= task.startAt && task.startAt <= task.endAt,
    JSON.stringify(task),
  );
  assert.ok(task && task.endAt <= compute.totalMs + 0.001, `${task?.endAt} > ${compute.totalMs}`);
  assert.ok(Math.abs(compute.start - Date.now()) < 60_000, 'start is an epoch time');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('requestId(): X-Request-Id or a generated UUID; without the request object only while requests are tracked', async () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  for (const tracked of [true, false]) {
    const port = await freePort();
    const hive = startHive([app, '-i', '1', '--port', String(port)], tracked ? { HIVE_TRACK_REQUESTS: '1' } : {});
    await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
    const given = JSON.parse((await get(`http://127.0.0.1:${port}/request-id`, { 'x-request-id': 'abc-1' })).text);
    assert.deepEqual(given, { current: tracked ? 'abc-1' : null, of: 'abc-1' });
    const made = JSON.parse((await get(`http://127.0.0.1:${port}/request-id`)).text);
    assert.match(made.of, uuid);
    assert.equal(made.current, tracked ? made.of : null);
    // A quote would break out of Server-Timing's quoted description: such an id is replaced, not passed on.
    const unsafe = JSON.parse((await get(`http://127.0.0.1:${port}/request-id`, { 'x-request-id': 'a"b' })).text);
    assert.match(unsafe.of, uuid);
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  }
});
