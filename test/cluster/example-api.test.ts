import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import { request } from 'undici';
import { poll } from '../poll.js';
import { freePort, isEvent, killAll, runHive, startHive } from './helpers.js';

after(killAll);

const api = new URL('../../examples/api/server.ts', import.meta.url).pathname;

async function getJson(port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { statusCode, body } = await request(`http://127.0.0.1:${port}${path}`, { reset: true });
  return { status: statusCode, body: (await body.json()) as Record<string, unknown> };
}

test('examples/api under hive run: light route, compute on the pool and inline, health; reload and stop clean', async () => {
  const port = await freePort();
  const hive = startHive([api, '-i', '2', '--port', String(port), '--name', 'api', '--listen-timeout', '60s']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 90_000);

  const home = await getJson(port, '/');
  assert.equal(home.status, 200);
  assert.equal(home.body.clusterSize, 2);
  const health = await getJson(port, '/health');
  assert.deepEqual([health.status, health.body.status], [200, 'ok']);

  const pooled = await getJson(port, '/compute?n=20');
  assert.deepEqual([pooled.status, pooled.body.result, pooled.body.on], [200, 6765, 'pool']);
  const inline = await getJson(port, '/compute-inline?n=20');
  assert.deepEqual([inline.status, inline.body.result, inline.body.on], [200, 6765, 'event loop']);
  assert.equal((await getJson(port, '/compute?n=99')).status, 400);
  // Not numbers as a person writes them: Number() took `n=` as 0, and hex or exponents as numbers.
  for (const query of ['n=', 'n=0x10', 'n=1e1', 'n=%205', 'n=-1', 'n=abc', 'n=20&timeout=', 'n=20&timeout=1e3']) {
    const bad = await getJson(port, `/compute?${query}`);
    assert.equal(bad.status, 400, query);
    assert.match(String(bad.body.error), /^(n|timeout) must be an integer/, query);
  }
  assert.equal((await getJson(port, '/nope')).status, 404);

  // Both processes' pools are used and closed on retirement: a reload and a stop end every process with code 0.
  await Promise.all(Array.from({ length: 4 }, () => getJson(port, '/compute?n=22')));
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'reload done', 90_000);
  assert.equal((await getJson(port, '/compute?n=20')).body.result, 6765);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  for (const exit of hive.records.filter(isEvent('exit'))) assert.equal(exit.code, 0);
});

/** A metric summed over every instance, from the metrics endpoint. */
async function metric(metrics: string, name: string): Promise<number> {
  const { body } = await request(`${metrics}/metrics`, { reset: true });
  let total = 0;
  for (const [, value] of (await body.text()).matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'gm'))) {
    total += Number(value);
  }
  return total;
}
const failedTasks = (metrics: string) => metric(metrics, 'hive_pool_tasks_failed_total');

// The example answered every pool error 500 (a full queue included, with nothing to say when to come back) and let a
// task run on after its client hung up.
test('examples/api: a full queue is 503 with Retry-After, a timeout 504; a client that hangs up cancels its task', async () => {
  const port = await freePort();
  const hive = startHive(
    [
      api,
      ...['-i', '1', '--threads', '1', '--port', String(port), '--metrics-port', '0', '--listen-timeout', '60s'],
      '--server-timing',
    ],
    { API_MAX_QUEUE: '0' },
  );
  const metrics = (await hive.waitFor(isEvent('metrics'), 'the metrics port')).url as string;
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 90_000);

  // fib(42) holds the pool's one thread for seconds; its client hangs up below.
  const hangUp = new AbortController();
  const long = request(`http://127.0.0.1:${port}/compute?n=42`, { signal: hangUp.signal, reset: true });
  long.catch(() => {});
  // Meanwhile a task finds no thread free and no room to wait (maxQueue 0).
  const shed = await poll(async () => {
    const reply = await request(`http://127.0.0.1:${port}/compute?n=1`, { reset: true });
    const body = (await reply.body.json()) as Record<string, unknown>;
    return reply.statusCode === 200 ? undefined : { status: reply.statusCode, headers: reply.headers, body };
  }, 'a request shed while fib(42) runs');
  assert.deepEqual([shed.status, shed.headers['retry-after'], shed.body.code], [503, '1', 'ERR_HIVE_QUEUE_FULL']);
  assert.equal(await failedTasks(metrics), 0, 'a refused task is not a failed one');

  // The hang-up aborts the running task (its thread is replaced): it fails rather than run on to its end.
  hangUp.abort();
  await poll(async () => (await failedTasks(metrics)) === 1, 'the abandoned task cancelled');

  const timedOut = await request(`http://127.0.0.1:${port}/compute?n=42&timeout=1`, { reset: true });
  const timedOutBody = (await timedOut.body.json()) as Record<string, unknown>;
  assert.deepEqual([timedOut.statusCode, timedOutBody.code], [504, 'ERR_HIVE_TASK_TIMEOUT']);
  // The time the stopped tasks ran counts (it used to be left out): in Server-Timing and the pool's busy time.
  assert.match(String(timedOut.headers['server-timing']), /pool-run;dur=[\d.]+;desc="thread \d+"/);
  await poll(async () => (await failedTasks(metrics)) === 2, 'the timed-out task counted');
  assert.equal(await metric(metrics, 'hive_pool_tasks_completed_total'), 0);
  assert.ok((await metric(metrics, 'hive_pool_busy_seconds_total')) > 0, 'busy time of the stopped tasks');
  assert.equal((await getJson(port, '/compute?n=20')).body.result, 6765);
  assert.equal((await getJson(port, '/compute?n=20&timeout=0')).status, 400);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

/** One raw HTTP/1.1 request (a target no client library would send as is); resolves with all the server wrote. */
function rawRequest(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.end(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
    });
    socket.once('close', () => resolve(reply));
    socket.once('error', reject);
  });
}

// `new URL('//[', base)` throws: the example parsed the target outside its try, so one such request crashed the
// process (exit code 1, every request in flight on it lost) instead of getting an answer.
test('examples/api: a request target that is not a URL is a 400, and the process serves on', async () => {
  const port = await freePort();
  const hive = startHive([api, '-i', '1', '--port', String(port), '--listen-timeout', '60s']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 90_000);
  const before = (await getJson(port, '/')).body.pid;

  const reply = await rawRequest(port, '//[');
  assert.match(reply, /^HTTP\/1\.1 400 /);
  assert.match(reply, /"error":"bad request target"/);
  assert.equal((await getJson(port, '/')).body.pid, before);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  assert.deepEqual(
    hive.records.filter(isEvent('exit')).map((exit) => exit.code),
    [0],
  );
});

// API_MAX_QUEUE=abc started the app, whose every /compute then answered 500 with the pool's option error.
test('examples/api: an API_MAX_QUEUE that is not a whole number stops the start, naming the variable', async () => {
  const port = await freePort();
  const { code, stderr } = await runHive(
    // The listen timeout as the others': under load, loading the app may take past the default 10 s.
    ['run', api, '-i', '1', '--port', String(port), '--listen-timeout', '60s'],
    { API_MAX_QUEUE: 'abc' },
    90_000,
  );
  assert.notEqual(code, 0, stderr);
  assert.match(stderr, /API_MAX_QUEUE: expected a whole number of tasks, got "abc"/);
});
