// An input or result whose getter throws failed its clone with that error, and the pool's look for a nested move()
// (to name where it sat) read the getter again, throwing out of the pool: run() threw at the caller, or the error was
// uncaught in the host (flushing a queued task: the process crashed, the task never settled), and in the worker it
// killed the thread. It now rejects that task alone with ERR_HIVE_DATA_CLONE, its cause the getter's error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture } from './helpers.js';

const throwingInput = () => ({
  ok: 1,
  get broken(): never {
    throw new Error('a getter of the input threw');
  },
});

for (const isolation of ['thread', 'process'] as const) {
  describe(`a getter that throws during the clone (isolation: '${isolation}')`, () => {
    const refused = (what: string, said: string) => ({
      code: 'ERR_HIVE_DATA_CLONE',
      message: new RegExp(`^The task's ${what} cannot be cloned to another ${isolation}: ${said}`),
    });

    test('an input sent at once to an idle worker: run() rejects, it does not throw', async () => {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
      assert.equal(await pool.run(1), 1, 'a worker is ready and idle');
      let promise: Promise<unknown> | undefined;
      assert.doesNotThrow(() => {
        promise = pool.run(throwingInput());
      });
      await assert.rejects(promise!, refused('input', 'a getter of the input threw'));
      assert.equal(await pool.run(2), 2);
    });

    test('a Proxy input whose trap throws: run() rejects with ERR_HIVE_DATA_CLONE, it does not throw', async () => {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const proxy = new Proxy(
        {},
        {
          get() {
            throw new Error('a trap of the input threw');
          },
        },
      );
      let promise: Promise<unknown> | undefined;
      assert.doesNotThrow(() => {
        promise = pool.run(proxy);
      });
      await assert.rejects(promise!, { code: 'ERR_HIVE_DATA_CLONE' });
      assert.equal(await pool.run(2), 2);
    });

    test('a queued input: the task rejects, nothing is thrown in the host, the tasks around it run', async () => {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown) => uncaught.push(error);
      process.on('uncaughtException', onUncaught);
      try {
        const gate = new Int32Array(new SharedArrayBuffer(4));
        // Under isolation: 'process' the gate is a copy: the task then just answers.
        const first = pool.run({ gate, value: 'first' }, { name: isolation === 'thread' ? 'hold' : undefined });
        const outcomes = Promise.allSettled([pool.run(throwingInput()), pool.run('after')]);
        Atomics.store(gate, 0, 1);
        Atomics.notify(gate, 0);
        const [bad, after] = await outcomes;
        assert.equal(bad?.status, 'rejected');
        assert.match(String((bad as PromiseRejectedResult).reason.message), /a getter of the input threw/);
        assert.equal((bad as PromiseRejectedResult).reason.code, 'ERR_HIVE_DATA_CLONE');
        assert.deepEqual(after, { status: 'fulfilled', value: 'after' });
        assert.equal(await first, 'first');
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(uncaught, [], 'nothing was thrown in the host');
      } finally {
        process.off('uncaughtException', onUncaught);
      }
    });

    test('a result: the task rejects with ERR_HIVE_DATA_CLONE and its worker goes on', async () => {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const created: unknown[] = [];
      pool.on('workerCreate', (info) => created.push(info));
      assert.equal(await pool.run(1), 1);
      await assert.rejects(
        pool.run(null, { name: 'returnThrowingGetter' }),
        refused('result', 'a getter of the result threw'),
      );
      assert.equal(await pool.run(3), 3);
      assert.equal(created.length, 1, 'no worker was replaced');
    });
  });
}
