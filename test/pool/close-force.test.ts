// piscina's close({ force: true }) cancels the tasks that have not started and lets the running ones finish. Hive's
// close() took no argument and ignored it: every queued task still ran before the pool closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor } from './helpers.js';

test('close({ force: true }): unstarted tasks reject with ERR_HIVE_POOL_CLOSED and never run; the running one finishes', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  const counter = counters(6);
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const running = pool.run({ counter, index: 0, gate, value: 'held' }, { name: 'hold' });
  await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the held task to start');
  // Some of these may already sit in the thread's batch, sent but not started: those are cancelled too.
  const waiting = [1, 2, 3, 4, 5].map((index) => pool.run({ counter, index, value: index }));
  const closed = pool.close({ force: true });
  const settled = await Promise.allSettled(waiting);
  for (const result of settled) {
    assert.equal(result.status, 'rejected');
    assert.equal((result as PromiseRejectedResult).reason.code, 'ERR_HIVE_POOL_CLOSED');
  }
  await assert.rejects(pool.run(1), { code: 'ERR_HIVE_POOL_CLOSED' });
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  assert.equal(await running, 'held', 'the running task was left to finish');
  await closed;
  assert.deepEqual([...counter], [1, 0, 0, 0, 0, 0], 'no cancelled task ran');
});

test("close({ force: true }) under isolation: 'process' cancels the queue and lets the running task finish", async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation: 'process' });
  const running = pool.run({ ms: 300 }, { name: 'sleep' });
  await waitFor(() => pool.stats.busy === 1, 20_000, 'the first task to be sent');
  const waiting = Promise.allSettled([1, 2, 3].map((value) => pool.run(value)));
  await pool.close({ force: true });
  assert.equal(await running, 300);
  for (const result of await waiting) {
    assert.equal((result as PromiseRejectedResult).reason?.code, 'ERR_HIVE_POOL_CLOSED');
  }
});

test('close({ force: true }) after a plain close() still cancels what has not started', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  const counter = counters(3);
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const running = pool.run({ counter, index: 0, gate, value: 'held' }, { name: 'hold' });
  await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the held task to start');
  const waiting = [1, 2].map((index) => pool.run({ counter, index }));
  const gentle = pool.close();
  const forced = pool.close({ force: true });
  for (const result of await Promise.allSettled(waiting)) {
    assert.equal((result as PromiseRejectedResult).reason?.code, 'ERR_HIVE_POOL_CLOSED');
  }
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  assert.equal(await running, 'held');
  await Promise.all([gentle, forced]);
  assert.deepEqual([...counter], [1, 0, 0]);
});

test('close() with a bad argument rejects with ERR_HIVE_INVALID_ARGUMENT and leaves the pool open', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  for (const bad of ['force', 0, { forse: true }, { force: 'yes' }, { force: 1 }]) {
    await assert.rejects(pool.close(bad as never), { code: 'ERR_HIVE_INVALID_ARGUMENT' }, String(bad));
  }
  assert.equal(await pool.run(7), 7, 'still open');
  await pool.close({ force: false });
  await assert.rejects(pool.run(1), { code: 'ERR_HIVE_POOL_CLOSED' });
});

test('null is "no options" for close() as for run(): a plain close', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  assert.equal(await pool.run(7, null), 7);
  const queued = pool.run(8, null);
  await pool.close(null);
  assert.equal(await queued, 8, 'the queued task ran, as after close()');
  await assert.rejects(pool.run(1), { code: 'ERR_HIVE_POOL_CLOSED' });
});
