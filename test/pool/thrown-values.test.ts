// piscina rejects a task with whatever it threw, an Error or not; a migrated `catch (reason)` that tests
// `reason === 'busy'` or `reason?.code` relies on it. Hive does the same: the thrown value, cloned, in both isolations.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/throws-values.mjs', import.meta.url);

for (const isolation of ['thread', 'process'] as const) {
  describe(`a task that throws what is not an Error (isolation: '${isolation}')`, () => {
    test('rejects with that value, thrown or rejected; the worker serves on', async () => {
      await using pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const created: unknown[] = [];
      pool.on('workerCreate', (worker) => created.push(worker));
      for (const value of ['busy', null, undefined, 42, { code: 'E_BUSY', retry: [1, 2] }]) {
        for (const name of ['default', 'rejectValue']) {
          const reason = await within(
            pool.run(value, { name }).then(
              () => assert.fail(`${name}(${String(value)}) resolved`),
              (error: unknown) => error,
            ),
            30_000,
            `${name}(${String(value)})`,
          );
          assert.deepEqual(reason, value, `${name}(${JSON.stringify(value)})`);
        }
      }
      assert.equal(await pool.run('after', { name: 'echo' }), 'after');
      assert.equal(created.length, 1, 'no worker was replaced');
      assert.equal(pool.stats.failed, 10);
    });
  });
}
