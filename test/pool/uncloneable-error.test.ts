// A task that throws what cannot be cloned back (an error whose cause holds a function, a thrown object with a
// method) used to take its worker down: the caller got ERR_HIVE_THREAD_EXITED instead of the task's error, and the
// worker was replaced. Now the caller gets what can be cloned of it, and the worker goes on. Likewise a module that
// failed to load with such an error was reported as a worker's death, not as ERR_HIVE_TASK_MODULE. Only the value
// that cannot be cloned is left out (named in the error's `uncloneable`); a thrown non-Error that cannot be cloned
// becomes an ERR_HIVE_DATA_CLONE.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';

const fixture = new URL('./fixtures/throws-uncloneable.mjs', import.meta.url);

for (const isolation of ['thread', 'process'] as const) {
  describe(`a task error that cannot be cloned (isolation: '${isolation}')`, () => {
    test("rejects with the task's error, less what cannot be cloned; the worker survives", async () => {
      await using pool = new Pool({ filename: fixture, minThreads: 1, maxThreads: 1, isolation });
      const errors: Error[] = [];
      pool.on('error', (error) => errors.push(error));
      const worker = await pool.run(null);
      await assert.rejects(pool.run(null, { name: 'causeWithFunction' }), (error: Error & { code?: string }) => {
        assert.equal(error.message, 'boom');
        assert.equal(error.code, 'E_BOOM');
        assert.deepEqual(error.cause, { id: 7 });
        assert.equal((error as Error & { uncloneable?: string }).uncloneable, 'cause.retry');
        return true;
      });
      await assert.rejects(pool.run(null, { name: 'rejectWithFunctionCause' }), (error: Error) => {
        assert.equal(error.message, 'async boom');
        assert.deepEqual(error.cause, {});
        return true;
      });
      await assert.rejects(pool.run(null, { name: 'throwObjectWithMethod' }), {
        code: 'ERR_HIVE_DATA_CLONE',
        message: /task's error cannot be cloned/,
      });
      assert.equal(await pool.run(null), worker, 'the same worker serves on');
      assert.deepEqual(errors, []);
      assert.equal(pool.stats.failed, 3);
    });

    test('a module that fails to load with such an error is reported as ERR_HIVE_TASK_MODULE', async () => {
      const filename = new URL('./fixtures/load-throws-uncloneable.mjs', import.meta.url);
      await using pool = new Pool({ filename, minThreads: 0, maxThreads: 1, isolation });
      const errors: (Error & { code?: string })[] = [];
      pool.on('error', (error) => errors.push(error));
      await assert.rejects(pool.run(1), (error: Error & { code?: string; cause?: Error & { code?: string } }) => {
        assert.equal(error.code, 'ERR_HIVE_TASK_MODULE');
        assert.equal(error.cause?.message, 'cannot connect');
        assert.deepEqual(error.cause?.cause, {});
        assert.equal((error.cause as Error & { uncloneable?: string }).uncloneable, 'cause.retry');
        return true;
      });
      assert.deepEqual(
        errors.map((error) => error.code),
        ['ERR_HIVE_TASK_MODULE'],
      );
    });
  });
}
