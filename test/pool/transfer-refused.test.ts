// What a task's `transfer` list costs when the task never reaches a worker: its buffers are detached only once the
// task is sent, so a task refused at run() or leaving the pool's queue unsent hands them back usable, data intact.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { move, Pool } from 'hive/pool';
import { fixture } from './helpers.js';

const filled = (value: number) => {
  const buffer = new ArrayBuffer(64);
  new Uint8Array(buffer).fill(value);
  return buffer;
};
const intact = (buffer: ArrayBuffer, value: number, what: string) => {
  assert.equal(buffer.byteLength, 64, `${what}: still attached`);
  assert.ok(
    new Uint8Array(buffer).every((byte) => byte === value),
    `${what}: its data is intact`,
  );
};

for (const isolation of ['thread', 'process'] as const) {
  describe(`transferred buffers of a task that is never sent stay with the caller (isolation: '${isolation}')`, () => {
    test('refused at run(): queue full, signal already aborted, after close()', async () => {
      const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, maxQueue: 0, isolation });
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const name = isolation === 'thread' ? 'hold' : 'sleep';
      const running = pool.run({ gate, value: 1, ms: 300 }, { name });
      const full = filled(1);
      await assert.rejects(pool.run(full, { transfer: [full] }), { code: 'ERR_HIVE_QUEUE_FULL' });
      intact(full, 1, 'queue full');
      const moved = filled(2);
      await assert.rejects(pool.run(move(moved)), { code: 'ERR_HIVE_QUEUE_FULL' });
      intact(moved, 2, 'queue full, move()');
      const aborted = filled(3);
      await assert.rejects(pool.run(aborted, { transfer: [aborted], signal: AbortSignal.abort() }), {
        code: 'ERR_HIVE_TASK_ABORTED',
      });
      intact(aborted, 3, 'signal already aborted');
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await running;
      const closing = pool.close();
      const closed = filled(4);
      await assert.rejects(pool.run(closed, { transfer: [closed] }), { code: 'ERR_HIVE_POOL_CLOSED' });
      intact(closed, 4, 'after close()');
      await closing;
    });

    test('left the queue unsent: aborted, close({ force: true }), destroy()', async () => {
      for (const how of ['abort', 'force', 'destroy'] as const) {
        const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
        assert.equal(await pool.run(0), 0, 'the worker is ready');
        const gate = new Int32Array(new SharedArrayBuffer(4));
        const name = isolation === 'thread' ? 'hold' : 'sleep';
        const running = pool.run({ gate, value: 1, ms: 300 }, { name }).catch((error: { code?: string }) => error.code);
        const buffer = filled(5);
        const controller = new AbortController();
        // A task with a transfer list waits in the pool's queue until a worker holds nothing (see Guarantees).
        const queued = pool.run(buffer, { transfer: [buffer], signal: controller.signal });
        assert.equal(pool.stats.queued, 1);
        intact(buffer, 5, `${how}: while queued`);
        let stopped: Promise<void> | undefined;
        if (how === 'abort') controller.abort();
        else if (how === 'force') stopped = pool.close({ force: true });
        else stopped = pool.destroy();
        await assert.rejects(queued, { code: how === 'abort' ? 'ERR_HIVE_TASK_ABORTED' : 'ERR_HIVE_POOL_CLOSED' });
        intact(buffer, 5, how);
        Atomics.store(gate, 0, 1);
        Atomics.notify(gate, 0);
        await running;
        await (stopped ?? pool.close());
      }
    });
  });
}
