// A task that threw an error with a looping `cause` chain, or with an enumerable getter that throws, made the worker's
// error serializer throw (stack overflow, or the getter's error). Then the task was lost: run() never settled, the
// pool emitted a false ERR_HIVE_TASK_MODULE ("could not be loaded: Maximum call stack size exceeded") when it happened
// during the worker's first run of tasks (which sat inside the module-loading try), and close() never resolved. Now
// serialization is total, and the caller gets the task's own error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/hostile-errors.mjs', import.meta.url);

for (const isolation of ['thread', 'process'] as const) {
  describe(`hostile task errors (isolation: '${isolation}')`, () => {
    test('a looping cause chain rejects with the loop rebuilt, also as the first task of a fresh worker', async () => {
      const pool = new Pool({ filename, minThreads: 0, maxThreads: 1, isolation });
      const errors: Error[] = [];
      pool.on('error', (error) => errors.push(error));
      // Sent before the worker loaded the module: it runs in the worker's first run of tasks.
      for (const name of ['cyclicCause', 'rejectsCyclic']) {
        const error = (await within(
          pool.run(null, { name }).catch((e: unknown) => e),
          20_000,
          name,
        )) as Error & {
          code?: string;
          cause?: Error & { cause?: unknown };
        };
        assert.ok(error instanceof Error);
        assert.equal(error.message, 'a');
        assert.equal(error.code, 'E_CYCLE');
        assert.equal(error.cause?.message, 'b');
        assert.equal(error.cause?.cause, error, 'the loop is rebuilt between the errors');
      }
      assert.equal(await pool.run('still serving'), 'still serving');
      assert.deepEqual(errors, [], 'no false ERR_HIVE_TASK_MODULE');
      await within(pool.close(), 20_000, 'close()');
    });

    test('an enumerable getter that throws is left out and named; the worker serves on', async () => {
      const pool = new Pool({ filename, minThreads: 0, maxThreads: 1, isolation });
      const errors: Error[] = [];
      pool.on('error', (error) => errors.push(error));
      const first = pool.run(null, { name: 'throwingGetter' }).catch((e: unknown) => e);
      const second = pool.run('after');
      const error = (await within(first, 20_000, 'throwingGetter')) as Error & Record<string, unknown>;
      assert.ok(error instanceof Error);
      assert.equal(error.message, 'boom');
      assert.equal(error.code, 'E_GETTER');
      assert.equal(error.details, undefined);
      assert.equal(error.unreadable, 'details');
      assert.equal(await within(second, 20_000, 'the next task'), 'after');
      assert.deepEqual(errors, []);
      await within(pool.close(), 20_000, 'close()');
    });
  });
}
