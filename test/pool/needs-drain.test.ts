// Backpressure as piscina users write it: stop submitting while `pool.needsDrain`, resume on an event. Hive's own
// `drain` (nothing queued or running) keeps its meaning; the event for "room again" is `available`.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

const openGate = (gate: Int32Array) => {
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
};

test('needsDrain is true exactly when run() would be refused; `available` fires once there is room, `drain` at the end', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, maxQueue: 2 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const counter = counters(1);
  let available = 0;
  let drains = 0;
  const atAvailable: boolean[] = [];
  pool.on('available', () => {
    available++;
    atAvailable.push(pool.needsDrain);
  });
  pool.on('drain', () => drains++);
  assert.equal(pool.needsDrain, false, 'an idle pool');
  const runs = [pool.run({ gate, counter, index: 0 }, { name: 'hold' })];
  await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the first task to start');
  assert.equal(pool.needsDrain, false, 'one running, none waiting');
  runs.push(pool.run({ gate, counter, index: 0 }, { name: 'hold' }));
  assert.equal(pool.needsDrain, false, 'one waiting of maxQueue 2');
  runs.push(pool.run({ gate, counter, index: 0 }, { name: 'hold' }));
  assert.equal(pool.needsDrain, true, 'two waiting of maxQueue 2');
  await assert.rejects(pool.run({ gate, counter, index: 0 }, { name: 'hold' }), { code: 'ERR_HIVE_QUEUE_FULL' });
  assert.equal(pool.needsDrain, true, 'still full after the refusal');
  assert.equal(available, 0, 'no room yet');
  const drained = once(pool, 'drain');
  openGate(gate);
  await within(Promise.all(runs), 20_000, 'the tasks');
  await within(drained, 20_000, 'drain');
  await waitFor(() => available > 0, 20_000, 'available');
  assert.equal(available, 1, 'once for the episode');
  assert.deepEqual(atAvailable, [false], 'needsDrain read in the listener agrees');
  assert.equal(drains, 1, 'drain still means nothing queued or running');
  assert.equal(Atomics.load(counter, 0), 3, 'the refused task never ran');
});

test('a refusal alone (needsDrain never read) also makes the pool report `available`', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, maxQueue: 1 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const counter = counters(1);
  const first = pool.run({ gate, counter, index: 0 }, { name: 'hold' });
  await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the first task to start');
  const second = pool.run({ gate, counter, index: 0 }, { name: 'hold' });
  await assert.rejects(pool.run(1), { code: 'ERR_HIVE_QUEUE_FULL' });
  const available = once(pool, 'available');
  openGate(gate);
  await within(available, 20_000, 'available');
  assert.equal(pool.needsDrain, false);
  await within(Promise.all([first, second]), 20_000, 'the tasks');
});

test('a producer that waits for `available` while needsDrain submits everything without a refusal', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 2, maxThreads: 2, maxQueue: 3 });
  const counter = counters(1);
  const runs: Promise<unknown>[] = [];
  let waits = 0;
  for (let i = 0; i < 60; i++) {
    runs.push(pool.run({ counter, index: 0, ms: 2 }, { name: 'busy' }));
    if (pool.needsDrain) {
      waits++;
      await within(once(pool, 'available'), 20_000, 'available');
    }
  }
  const settled = await within(Promise.allSettled(runs), 60_000, 'the tasks');
  assert.deepEqual(
    settled.filter((outcome) => outcome.status === 'rejected'),
    [],
  );
  assert.equal(Atomics.load(counter, 0), 60);
  // The loop submits synchronously until the pool is full, so it must have waited at least once.
  assert.ok(waits > 0, `the producer waited (${waits} times)`);
});

test('needsDrain stays false with maxQueue Infinity', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, maxQueue: Infinity });
  const runs = Array.from({ length: 500 }, (_, value) => pool.run(value));
  assert.equal(pool.needsDrain, false);
  await within(Promise.all(runs), 60_000, 'the tasks');
});
