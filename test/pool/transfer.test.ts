import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture } from './helpers.js';

test('transfer: an ArrayBuffer moves to the task and back without copies', async () => {
  await using pool = new Pool({ filename: fixture('transfer.mjs'), maxThreads: 1 });
  const buffer = new ArrayBuffer(1024 * 1024);
  const result = (await pool.run(buffer, { transfer: [buffer] })) as { buffer: ArrayBuffer; size: number };
  assert.equal(buffer.byteLength, 0, 'the caller gave the buffer away (detached, not copied)');
  assert.equal(result.size, 1024 * 1024);
  assert.equal(result.buffer.byteLength, 1024 * 1024);
  assert.ok(
    new Uint8Array(result.buffer).every((byte) => byte === 7),
    'the task filled it and handed it back',
  );
});

test('transfer lists of a batch are merged: many buffers in flight at once all arrive', async () => {
  await using pool = new Pool({ filename: fixture('transfer.mjs'), maxThreads: 2 });
  const buffers = Array.from({ length: 200 }, () => new ArrayBuffer(1024));
  const results = (await Promise.all(buffers.map((b) => pool.run(b, { transfer: [b] })))) as { size: number }[];
  assert.ok(results.every((r) => r.size === 1024));
  assert.ok(buffers.every((b) => b.byteLength === 0));
});

test('SharedArrayBuffer is shared, not copied, and Atomics wait/notify work across the main thread and a task', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1 });
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const done = pool.run({ shared }, { name: 'waitShared' });
  Atomics.store(shared, 0, 1);
  Atomics.notify(shared, 0);
  // Wait (asynchronously: the main thread must keep serving the pool) for the task's answer in slot 1.
  while (Atomics.load(shared, 1) !== 2) {
    const waited = Atomics.waitAsync(shared, 1, 0, 20_000);
    if (waited.async) await waited.value;
  }
  assert.equal(await done, 'ok');
  assert.equal(Atomics.load(shared, 1), 2);
});

test('a non-cloneable input rejects with ERR_HIVE_DATA_CLONE; batch neighbours are unaffected', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1 });
  await assert.rejects(
    pool.run(() => 1),
    { code: 'ERR_HIVE_DATA_CLONE' },
  );
  const runs = [pool.run(1), pool.run({ nested: () => 1 }), pool.run(3)];
  const [a, b, c] = await Promise.allSettled(runs);
  assert.deepEqual(a, { status: 'fulfilled', value: 1 });
  assert.equal(b?.status, 'rejected');
  assert.equal((b as PromiseRejectedResult).reason.code, 'ERR_HIVE_DATA_CLONE');
  assert.deepEqual(c, { status: 'fulfilled', value: 3 });
});

test('a non-cloneable result rejects that task with ERR_HIVE_DATA_CLONE', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1 });
  await assert.rejects(pool.run(null, { name: 'returnFunction' }), { code: 'ERR_HIVE_DATA_CLONE' });
  assert.equal(await pool.run(5), 5);
});
