import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { alive, fixture, freePort, get, type Hive, isEvent, killAll, startHive, until } from './helpers.js';

after(killAll);

/** Waits until the app has logged `count` slow requests received, i.e. they are in flight. */
async function inFlight(hive: Hive, count: number): Promise<void> {
  const received = () => hive.records.filter((r) => r.kind === 'log' && r.line === 'slow request received').length;
  await until(() => received() >= count, `${count} requests in flight`);
}

async function online(args: string[] = []) {
  const port = await freePort();
  const hive = startHive([fixture('app.js'), '-i', '2', '--port', String(port), ...args]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  return { hive, port };
}

test('SIGTERM with requests in flight: all complete, workers drain, exit 0', async () => {
  const { hive, port } = await online();
  const pids = [...hive.readyPids().values()];
  const inflight = Array.from({ length: 6 }, () => get(port, '/slow?ms=1500'));
  await inFlight(hive, 6);
  hive.kill('SIGTERM');
  const replies = await Promise.all(inflight);
  assert.equal(replies.length, 6);
  assert.equal((await hive.exited).code, 0);
  assert.ok(hive.records.some(isEvent('state', { state: 'stopped' })));
  for (const pid of pids) assert.ok(!alive(pid), `worker ${pid} still alive`);
  for (const r of hive.records.filter(isEvent('exit'))) assert.equal(r.code, 0);
});

test('a handler slower than killTimeout gets its worker SIGKILLed, and the kill is reported', async () => {
  const { hive, port } = await online(['--kill-timeout', '500ms']);
  const slow = get(port, '/slow?ms=20000').catch((error: Error) => error);
  await inFlight(hive, 1);
  hive.kill('SIGTERM');
  const killed = await hive.waitFor(isEvent('killed'), 'killed event');
  assert.equal(killed.reason, 'killTimeout');
  const exit = await hive.waitFor(isEvent('exit', { pid: killed.pid }), 'exit of the killed worker');
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(exit.killed, true);
  assert.ok((await slow) instanceof Error);
  assert.equal((await hive.exited).code, 0);
});

test('a second SIGTERM forces the stop', async () => {
  const { hive, port } = await online(['--kill-timeout', '60s']);
  const pids = [...hive.readyPids().values()];
  const slow = get(port, '/slow?ms=20000').catch((error: Error) => error);
  await inFlight(hive, 1);
  hive.kill('SIGTERM');
  await hive.waitFor(isEvent('state', { state: 'stopping' }), 'stopping');
  // Past the 100 ms in which the same signal again counts as the first (GNU timeout's burst: run-timeout-stop.test.ts).
  await delay(300);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 1);
  await slow;
  for (const pid of pids) assert.ok(!alive(pid), `worker ${pid} still alive`);
});

test('no orphans: workers exit when the primary is SIGKILLed', async () => {
  const { hive } = await online();
  const pids = [...hive.readyPids().values()];
  assert.equal(pids.length, 2);
  hive.kill('SIGKILL');
  await hive.exited;
  await until(() => pids.every((pid) => !alive(pid)), 'workers to exit', 15_000);
});
