// ERR_HIVE_DATA_CLONE said "cannot be cloned to another thread" under `isolation: 'process'` too, where no thread is
// involved: each clone failure, on the caller's side (an input) or the worker's (a result, a progress value, a thrown
// value), now names what the pool's worker is.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';

const errorClasses = new URL('./fixtures/error-classes.mjs', import.meta.url);
const throwsUncloneable = new URL('./fixtures/throws-uncloneable.mjs', import.meta.url);

for (const isolation of ['thread', 'process'] as const) {
  describe(`a clone failure names the worker (isolation: '${isolation}')`, () => {
    const message = (what: string) => ({
      code: 'ERR_HIVE_DATA_CLONE',
      message: new RegExp(`^The task's ${what} cannot be cloned to another ${isolation}\\b`),
    });

    test('an input, a result and a progress value', async () => {
      await using pool = new Pool({ filename: errorClasses, minThreads: 1, maxThreads: 1, isolation });
      // Refused at the call, and by the transport when the worker is sent the task.
      await assert.rejects(
        pool.run(() => 1),
        message('input'),
      );
      await assert.rejects(pool.run({ f() {} }), message('input'));
      await assert.rejects(pool.run(1, { name: 'returnsFunction' }), message('result'));
      await assert.rejects(pool.run(1, { name: 'progressFunction', onProgress() {} }), message('progress value'));
    });

    test('a thrown value', async () => {
      await using pool = new Pool({ filename: throwsUncloneable, minThreads: 1, maxThreads: 1, isolation });
      await assert.rejects(pool.run(null, { name: 'throwObjectWithMethod' }), message('error'));
    });
  });
}
