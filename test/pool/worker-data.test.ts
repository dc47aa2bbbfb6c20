// piscina's `workerData` option reaches every worker, as `workerData` from piscina and from node:worker_threads, and
// `isWorkerThread` tells a module it runs in a pool. Hive had neither: a task module could not get per-pool data
// (configuration, a SharedArrayBuffer) other than through env strings, and node's workerData was the pool's internals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isWorkerThread, Pool, workerData } from 'hive/pool';
import { fixture } from './helpers.js';

const data = { model: 'small', sizes: [1, 2, 3], when: new Date(0), bytes: new Uint8Array([1, 2]) };

test('outside a pool worker, isWorkerThread is false and workerData undefined', () => {
  assert.equal(isWorkerThread, false);
  assert.equal(workerData, undefined);
});

describe("workerData (isolation: 'thread')", () => {
  test("every thread gets a clone, as hive/pool's workerData and as node:worker_threads' workerData", async () => {
    await using pool = new Pool({
      filename: fixture('worker-data.mjs'),
      minThreads: 2,
      maxThreads: 2,
      workerData: data,
    });
    const seen = await Promise.all([pool.run(null), pool.run(null), pool.run(null)]);
    for (const report of seen)
      assert.deepEqual(report, { isWorkerThread: true, workerData: data, nodeWorkerData: data });
  });

  test('a SharedArrayBuffer in workerData is shared with every thread', async () => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    await using pool = new Pool({
      filename: fixture('worker-data.mjs'),
      minThreads: 2,
      maxThreads: 2,
      workerData: { counter },
    });
    await Promise.all(Array.from({ length: 10 }, () => pool.run(null, { name: 'bump' })));
    assert.equal(Atomics.load(counter, 0), 10);
  });

  test('without the option, workerData is undefined in the worker and node has none either', async () => {
    await using pool = new Pool({ filename: fixture('worker-data.mjs'), minThreads: 1, maxThreads: 1 });
    assert.deepEqual(await pool.run(null), { isWorkerThread: true, workerData: undefined, nodeWorkerData: null });
  });
});

describe("workerData (isolation: 'process')", () => {
  test("each child process gets a copy through hive/pool's workerData", async () => {
    await using pool = new Pool({
      filename: fixture('worker-data.mjs'),
      minThreads: 1,
      maxThreads: 1,
      isolation: 'process',
      workerData: data,
    });
    assert.deepEqual(await pool.run(null), { isWorkerThread: true, workerData: data, nodeWorkerData: null });
  });
});

test('workerData that cannot be cloned to a worker throws ERR_HIVE_INVALID_ARGUMENT in the constructor', () => {
  const filename = fixture('worker-data.mjs');
  for (const bad of [() => 1, { f() {} }, Symbol('s')]) {
    assert.throws(() => new Pool({ filename, minThreads: 0, workerData: bad }), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: /`workerData` option cannot be cloned/,
    });
  }
  // A child process shares no memory: a SharedArrayBuffer cannot reach it.
  assert.throws(
    () => new Pool({ filename, minThreads: 0, isolation: 'process', workerData: new SharedArrayBuffer(4) }),
    { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /`workerData` option cannot be cloned to a child process/ },
  );
});
