// Hive's errors raised inside a worker reached the caller as plain Errors carrying the code (an unknown task name on
// a fresh pool, a result that cannot be cloned), and context.progress() of a value that cannot be cloned threw the
// platform's DOMException without a code. docs/errors.md: every error Hive raises is a HiveError. They are now
// rebuilt as their classes on the caller's side, and native errors (TypeError...) as theirs, as piscina gives them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataCloneError, HiveError, InvalidArgumentError, Pool, TaskNotFoundError } from 'hive/pool';

const filename = new URL('./fixtures/error-classes.mjs', import.meta.url);

for (const isolation of ['thread', 'process'] as const) {
  describe(`errors from the worker keep their class (isolation: '${isolation}')`, () => {
    test('an unknown name on the first run() of a fresh pool is a TaskNotFoundError', async () => {
      await using pool = new Pool({ filename, minThreads: 0, maxThreads: 1, isolation });
      const error = await pool.run(1, { name: 'nope' }).catch((e: unknown) => e);
      assert.ok(error instanceof TaskNotFoundError, String(error));
      assert.ok(error instanceof HiveError);
      assert.equal(error.code, 'ERR_HIVE_TASK_NOT_FOUND');
      assert.equal(error.name, 'TaskNotFoundError');
      assert.match(error.message, /no function export named "nope"/);
      // The worker found it; the next one is found at the call, the exports known by now: both count as failed.
      assert.equal(pool.stats.failed, 1);
      await assert.rejects(pool.run(1, { name: 'nope' }), TaskNotFoundError);
      assert.equal(pool.stats.failed, 2);
      assert.equal(pool.stats.completed, 0);
    });

    test('clone failures of a result or a progress value are DataCloneErrors', async () => {
      await using pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const result = await pool.run(1, { name: 'returnsFunction' }).catch((e: unknown) => e);
      assert.ok(result instanceof DataCloneError, String(result));
      assert.equal(result.code, 'ERR_HIVE_DATA_CLONE');
      const progress = await pool.run(1, { name: 'progressFunction', onProgress() {} }).catch((e: unknown) => e);
      assert.ok(progress instanceof DataCloneError, String(progress));
      assert.equal(progress.code, 'ERR_HIVE_DATA_CLONE');
      assert.match(progress.message, /progress value cannot be cloned/);
      assert.equal(await pool.run(1, { name: 'progressCaught' }), 'DataCloneError ERR_HIVE_DATA_CLONE');
      const move = await pool.run(1, { name: 'badMove' }).catch((e: unknown) => e);
      assert.ok(move instanceof InvalidArgumentError, String(move));
    });

    test('native errors keep their class', async () => {
      await using pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const type = await pool.run(1, { name: 'typeError' }).catch((e: unknown) => e);
      assert.ok(type instanceof TypeError, String(type));
      assert.ok(!(type instanceof HiveError));
      const range = await pool.run(1, { name: 'rangeError' }).catch((e: unknown) => e);
      assert.ok(range instanceof RangeError, String(range));
    });
  });
}
