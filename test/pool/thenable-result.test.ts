// A task that returned a thenable which called back twice (not a promise: a library's own thenable) had its worker
// reply twice: the second value answered the next task (run() of `slowEcho('B')` resolved with the first task's
// `second A`, each task after it with the one before's result), and the worker ran two task loops at once. A thenable
// whose `then` threw (or whose `then` getter did) killed the worker: ERR_HIVE_THREAD_EXITED instead of the error.
// piscina awaits the result, which settles once and turns the throw into the task's rejection; so does Hive now, and
// like `await` it takes a function with a `then` method for a thenable too (it was a result that cannot be cloned).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/thenables.mjs', import.meta.url);

for (const isolation of ['thread', 'process'] as const) {
  describe(`a task's thenable result (isolation: '${isolation}')`, () => {
    test('a thenable that calls back twice settles its task once; the tasks after it get their own results', async () => {
      const pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      try {
        await pool.run('warm', { name: 'echo' });
        const settled = await within(
          Promise.allSettled([
            pool.run('A', { name: 'callsBackTwice' }),
            pool.run('B', { name: 'slowEcho' }),
            pool.run('C', { name: 'resolvesThenRejects' }),
            pool.run('D', { name: 'slowEcho' }),
            pool.run('E', { name: 'echo' }),
          ]),
          30_000,
          'the tasks',
        );
        assert.deepEqual(
          settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : outcome.reason)),
          ['first A', 'B', 'resolved C', 'D', 'E'],
        );
        assert.equal(pool.stats.completed, 6);
        assert.equal(pool.stats.failed, 0);
      } finally {
        await pool.destroy();
      }
    });

    test('a thenable whose then (or then getter) throws rejects its task with that error; a function with a then is awaited; the worker serves on', async () => {
      const pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const created: unknown[] = [];
      pool.on('workerCreate', (worker) => created.push(worker));
      try {
        for (const [name, message] of [
          ['thenThrows', 'then threw'],
          ['thenGetterThrows', 'the then getter threw'],
        ] as const) {
          const error = (await within(
            pool.run(null, { name }).catch((e: unknown) => e),
            30_000,
            name,
          )) as Error & { code?: string };
          assert.ok(error instanceof Error, name);
          assert.equal(error.message, message);
          assert.equal(error.code, undefined, `${name}: the task's own error, not ERR_HIVE_THREAD_EXITED`);
        }
        assert.equal(
          await pool.run('F', { name: 'thenableFunction' }),
          'function F',
          'a function with a then, awaited',
        );
        assert.equal(await pool.run('after', { name: 'echo' }), 'after');
        assert.equal(created.length, 1, 'no worker was replaced');
      } finally {
        await pool.destroy();
      }
    });
  });
}
