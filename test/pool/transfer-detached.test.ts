// A transfer list naming an ArrayBuffer that is already detached (given to an earlier run(), or transferred
// elsewhere): a thread used to receive an empty buffer and run the task on it (node's postMessage accepts a detached
// buffer when it is also in the transfer list), where a process refused it. The task is refused in both, unrun.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture } from './helpers.js';

const detached = (size: number) => {
  const buffer = new ArrayBuffer(size);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
};

for (const isolation of ['thread', 'process'] as const) {
  describe(`a detached ArrayBuffer in a transfer list (isolation: '${isolation}')`, () => {
    test('rejects with ERR_HIVE_DATA_CLONE and the task does not run; an empty buffer still goes', async () => {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const counter = counters(2);
      const buffer = detached(8);
      await assert.rejects(pool.run({ counter, index: 0, buffer }, { transfer: [buffer] }), {
        code: 'ERR_HIVE_DATA_CLONE',
      });
      const empty = new ArrayBuffer(0);
      const echoed = (await pool.run({ counter, index: 1, value: empty }, { transfer: [empty] })) as ArrayBuffer;
      assert.equal(echoed.byteLength, 0);
      // A child process gets a copy of the counters: it cannot count there.
      if (isolation === 'thread') assert.deepEqual([...counter], [0, 1]);
      assert.equal(pool.stats.failed, 1);
    });

    // Under isolation: 'process' the child gets a copy, and the caller's buffer is detached all the same.
    test('the same buffer given to two runs at once: the first gets it, the second is refused, unrun', async () => {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const counter = counters(3);
      const buffer = new ArrayBuffer(8);
      new Uint8Array(buffer).fill(5);
      // The first holds the thread, so that the other two are sent together, as one batch.
      const settled = await Promise.allSettled([
        pool.run({ counter, index: 0, ms: 50 }, { name: 'busy' }),
        pool.run({ counter, index: 1, value: buffer }, { transfer: [buffer] }),
        pool.run({ counter, index: 2, value: buffer }, { transfer: [buffer] }),
      ]);
      assert.equal(settled[0]?.status, 'fulfilled');
      const first = (settled[1] as PromiseFulfilledResult<ArrayBuffer>).value;
      assert.deepEqual([...new Uint8Array(first)], new Array(8).fill(5));
      assert.equal(settled[2]?.status, 'rejected');
      assert.equal((settled[2] as PromiseRejectedResult).reason.code, 'ERR_HIVE_DATA_CLONE');
      // A child process gets a copy of the counters: it cannot count there.
      if (isolation === 'thread') assert.deepEqual([...counter], [1, 1, 0]);
    });
  });
}
