// piscina's workerCreate / workerDestroy events: one per worker start and end, whatever the cause (construction,
// growth, a crash and its replacement, idle retirement, a failed load, close). Hive exposes no Worker objects, so the
// payload is the worker's id: { threadId } or, under isolation: 'process', { pid }.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Pool, type PoolWorkerInfo } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

const idOf = (info: PoolWorkerInfo): number => ('threadId' in info ? info.threadId : info.pid);

function record(pool: Pool) {
  const created: PoolWorkerInfo[] = [];
  const destroyed: PoolWorkerInfo[] = [];
  pool.on('workerCreate', (info) => created.push(info));
  pool.on('workerDestroy', (info) => destroyed.push(info));
  /** Once the events of every start and end so far have been emitted, they account for stats.threads. */
  const settled = (threads: number, what: string) =>
    waitFor(() => pool.stats.threads === threads && created.length - destroyed.length === threads, 20_000, what);
  return { created, destroyed, settled };
}

test('threads: construction, a crash and its replacement, growth, idle retirement and close each emit, as { threadId }', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 2, idleTimeout: 50 });
  const { created, destroyed, settled } = record(pool);
  await settled(1, 'the first thread');
  assert.equal(created.length, 1, 'the thread started in the constructor is reported to a listener added after it');
  const first = (await pool.run({}, { name: 'whoami' })) as { threadId: number };
  assert.deepEqual(created, [{ threadId: first.threadId }]);

  // A crash: its thread ends, a replacement starts.
  await assert.rejects(pool.run({}, { name: 'exit' }), { code: 'ERR_HIVE_THREAD_EXITED' });
  await waitFor(() => created.length === 2, 20_000, 'the replacement');
  await settled(1, 'the replacement');
  assert.deepEqual(destroyed, [{ threadId: first.threadId }]);

  // Growth past minThreads, then retirement after idleTimeout.
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const counter = counters(1);
  const held = [0, 1].map(() => pool.run({ gate, counter, index: 0 }, { name: 'hold' }));
  await waitFor(() => Atomics.load(counter, 0) === 2, 20_000, 'both tasks running');
  await settled(2, 'the second thread');
  assert.equal(created.length, 3);
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  await within(Promise.all(held), 20_000, 'the held tasks');
  await waitFor(() => destroyed.length === 2, 20_000, 'the idle thread to retire');
  await settled(1, 'back to minThreads');

  await pool.close();
  await waitFor(() => destroyed.length === 3, 20_000, 'the last thread');
  const ids = created.map(idOf);
  assert.equal(new Set(ids).size, 3, 'each start is a new thread');
  assert.deepEqual(destroyed.map(idOf).sort(), [...ids].sort(), 'every thread that started ended, once');
  assert.ok(created.every((info) => 'threadId' in info && !('pid' in info)));
});

test('processes: the payload is { pid }, for construction, a crash, its replacement and destroy()', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation: 'process' });
  const { created, destroyed, settled } = record(pool);
  await settled(1, 'the first process');
  const first = (await pool.run({}, { name: 'whoami' })) as { pid: number };
  assert.deepEqual(created, [{ pid: first.pid }]);
  await assert.rejects(pool.run({}, { name: 'exit' }), { code: 'ERR_HIVE_THREAD_EXITED' });
  await waitFor(() => created.length === 2, 20_000, 'the replacement');
  await settled(1, 'the replacement');
  assert.deepEqual(destroyed, [{ pid: first.pid }]);
  const second = (await pool.run({}, { name: 'whoami' })) as { pid: number };
  assert.deepEqual(created[1], { pid: second.pid });
  await pool.destroy();
  await waitFor(() => destroyed.length === 2, 20_000, 'the last process');
  assert.deepEqual(destroyed[1], { pid: second.pid });
});

test('a worker that fails to load the module is reported started and ended too', async () => {
  await using pool = new Pool({ filename: fixture('broken.mjs'), minThreads: 1, maxThreads: 1, startRetry: false });
  const { created, destroyed } = record(pool);
  const failed = once(pool, 'error');
  await within(failed, 20_000, 'the load failure');
  await waitFor(() => destroyed.length === 1, 20_000, 'the workerDestroy');
  assert.equal(created.length, 1);
  assert.deepEqual(destroyed, created);
  assert.equal(pool.stats.threads, 0);
});
