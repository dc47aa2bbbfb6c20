// maxQueue bounds the tasks that wait for a thread. A task that a thread starting now, or one the pool may still
// start (below maxThreads), will take is not waiting for one: `maxQueue: 0` (piscina's "no queue") used to refuse
// every task of a pool with no idle thread, so with minThreads 0 nothing ever ran, and no pool grew past its idle
// threads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, within } from './helpers.js';

const outcomes = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((outcome) =>
    outcome.status === 'fulfilled' ? 'ran' : ((outcome.reason as { code?: string }).code ?? String(outcome.reason)),
  );

test('maxQueue 0, minThreads 0: a task per thread the pool may start is run, the next one is refused', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 2, maxQueue: 0 });
  const counter = counters(3);
  const runs = [0, 1, 2].map((index) => pool.run({ counter, index, ms: 50 }, { name: 'busy' }));
  const settled = await within(Promise.allSettled(runs), 20_000, 'the tasks');
  assert.deepEqual(outcomes(settled), ['ran', 'ran', 'ERR_HIVE_QUEUE_FULL']);
  assert.deepEqual([...counter], [1, 1, 0]);
  // Once the threads are idle, they take new tasks.
  assert.deepEqual(outcomes(await Promise.allSettled([pool.run(3), pool.run(4)])), ['ran', 'ran']);
});

// The default bound (256 x maxThreads) is Hive's by design; code from piscina (default Infinity) meets it as a
// Promise.all of many run()s, and the refusal used to say only that the queue was full.
test('a refusal names the maxQueue option and its values: past the default bound, Infinity takes them all', async () => {
  const options = { filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 } as const;
  await using bounded = new Pool(options);
  const settled = await within(
    Promise.allSettled(Array.from({ length: 600 }, (_, i) => bounded.run(i))),
    20_000,
    'the tasks',
  );
  const refused = settled.filter((outcome) => outcome.status === 'rejected') as PromiseRejectedResult[];
  assert.ok(refused.length > 0, 'the default bound refuses some');
  assert.equal(refused[0]!.reason.code, 'ERR_HIVE_QUEUE_FULL');
  assert.match(refused[0]!.reason.message, /maxQueue: 256\).*raise the pool's maxQueue option.*'auto'.*Infinity/);
  await using unbounded = new Pool({ ...options, maxQueue: Infinity });
  const all = await within(Promise.all(Array.from({ length: 600 }, (_, i) => unbounded.run(i))), 20_000, 'the tasks');
  assert.equal(all.length, 600);
});

test('maxQueue 0 right after construction: the threads still starting take a task each', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, maxQueue: 0 });
  const settled = await within(Promise.allSettled([pool.run(1), pool.run(2)]), 20_000, 'the tasks');
  assert.deepEqual(outcomes(settled), ['ran', 'ERR_HIVE_QUEUE_FULL']);
});

test('maxQueue 1 below maxThreads: one task waits beyond those the threads to start will take', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 2, maxQueue: 1 });
  const runs = [0, 1, 2, 3].map((index) => pool.run({ index, ms: 50 }, { name: 'busy' }));
  const settled = await within(Promise.allSettled(runs), 20_000, 'the tasks');
  assert.deepEqual(outcomes(settled), ['ran', 'ran', 'ran', 'ERR_HIVE_QUEUE_FULL']);
});

test("maxQueue 'auto' is maxThreads squared, as in piscina", async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 2, maxQueue: 'auto' });
  assert.equal(pool.options.maxQueue, 4);
  const runs = [0, 1, 2, 3, 4, 5, 6].map((index) => pool.run({ index, ms: 50 }, { name: 'busy' }));
  const settled = await within(Promise.allSettled(runs), 20_000, 'the tasks');
  assert.deepEqual(outcomes(settled), ['ran', 'ran', 'ran', 'ran', 'ran', 'ran', 'ERR_HIVE_QUEUE_FULL']);
});

test('maxQueue Infinity bounds nothing: far more tasks than the default 256 x maxThreads all run', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, maxQueue: Infinity });
  assert.equal(pool.options.maxQueue, Number.POSITIVE_INFINITY);
  const counter = counters(1);
  const runs = Array.from({ length: 2000 }, () => pool.run({ counter }));
  const settled = await within(Promise.allSettled(runs), 60_000, 'the tasks');
  assert.ok(
    settled.every((outcome) => outcome.status === 'fulfilled'),
    'none refused',
  );
  assert.equal(counter[0], 2000);
});

test('other maxQueue values are still refused, naming the accepted ones', () => {
  for (const maxQueue of ['lots', -1, 1.5, Number.NaN, Number.NEGATIVE_INFINITY, 'AUTO']) {
    assert.throws(() => new Pool({ filename: fixture('tasks.mjs'), maxQueue: maxQueue as never }), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: /`maxQueue` option to be a non-negative integer, Infinity or 'auto', got/,
    });
  }
});
