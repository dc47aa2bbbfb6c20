// piscina bounds close() with `closeTimeout` (then destroys the pool); Hive's close() waited for ever for a task that
// never ends, so a graceful shutdown could hang on one stuck task. `closeTimeout` bounds it; unset, close() still
// waits for every task.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

test('closeTimeout: a task still running when it expires rejects with ERR_HIVE_POOL_CLOSED, and close() resolves', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, closeTimeout: 100 });
  // piscina's close() also emits 'error' ("Close operation timed out"); Hive's says it by the tasks' rejections only
  // (docs/pool.md, the comparison table).
  const heard: unknown[] = [];
  pool.on('error', (error) => heard.push(error));
  const counter = counters(2);
  // Never released: the task would hold its thread for 60 s.
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const stuck = pool.run({ counter, index: 0, gate }, { name: 'hold' });
  const queued = pool.run({ counter, index: 1 });
  await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the stuck task to start');
  const outcomes = Promise.allSettled([stuck, queued]);
  await within(pool.close(), 20_000, 'close() with closeTimeout');
  for (const outcome of await outcomes) {
    assert.equal((outcome as PromiseRejectedResult).reason?.code, 'ERR_HIVE_POOL_CLOSED');
    assert.match((outcome as PromiseRejectedResult).reason.message, /closeTimeout/);
  }
  assert.equal(pool.stats.threads, 0);
  assert.deepEqual(heard, [], "no 'error' event: the close timing out is not an error of the pool");
});

test('closeTimeout does not cut short a close() whose tasks finish', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, closeTimeout: 60_000 });
  const results = [pool.run(1), pool.run(2)];
  await within(pool.close(), 20_000, 'close()');
  assert.deepEqual(await Promise.all(results), [1, 2]);
});

test('a bad closeTimeout throws ERR_HIVE_INVALID_ARGUMENT naming it', () => {
  for (const bad of [-1, '100', 2 ** 31, Number.NaN]) {
    assert.throws(() => new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, closeTimeout: bad as never }), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: /`closeTimeout` option to be a number of ms/,
    });
  }
});
