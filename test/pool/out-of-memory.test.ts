// A worker that ran out of heap used to reject its task with ERR_HIVE_THREAD_EXITED like any crash: piscina users,
// who check `err.code === 'ERR_WORKER_OUT_OF_MEMORY'`, had to dig in `cause.code` (threads) or parse a SIGABRT
// message (processes). Now both isolations reject with ERR_HIVE_WORKER_OUT_OF_MEMORY (a WorkerOutOfMemoryError, which
// is a ThreadExitedError too), and other deaths keep ERR_HIVE_THREAD_EXITED.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HiveError, Pool, type PoolOptions, ThreadExitedError, WorkerOutOfMemoryError } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/out-of-memory.mjs', import.meta.url);

for (const isolation of ['thread', 'process'] as const) {
  describe(`a worker out of memory (isolation: '${isolation}')`, () => {
    /** A pool of one worker of this isolation. */
    const onePool = (options: Pick<PoolOptions, 'resourceLimits'> = {}) =>
      new Pool({ filename, minThreads: 1, maxThreads: 1, isolation, ...options });
    /** What the fixture's task `name` rejects with (within a minute). */
    const rejectionOf = (pool: Pool, name: string, what: string) =>
      within(
        pool.run(null, { name }).catch((e: unknown) => e),
        60_000,
        what,
      );

    test('rejects its task with ERR_HIVE_WORKER_OUT_OF_MEMORY; the pool serves on', async () => {
      await using pool = onePool({ resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });
      const error = (await rejectionOf(pool, 'oom', 'the out-of-memory task')) as Error & { code?: string };
      assert.ok(error instanceof WorkerOutOfMemoryError, `got ${String(error)}`);
      assert.ok(error instanceof ThreadExitedError);
      assert.ok(error instanceof HiveError);
      assert.equal(error.code, 'ERR_HIVE_WORKER_OUT_OF_MEMORY');
      assert.equal(error.name, 'WorkerOutOfMemoryError');
      assert.match(error.message, /ran out of memory .*maxOldGenerationSizeMb/);
      assert.match(error.message, /out of memory|ERR_WORKER_OUT_OF_MEMORY/i);
      assert.equal(await pool.run('after'), 'after');
    });

    // V8's --max-old-space-size takes whole MB: a child given `64.5` (which a thread takes) exited 9 at every start,
    // so a process pool with such a limit rejected every task with ERR_HIVE_THREAD_EXITED.
    test('limits in fractions of a MB start workers, and still bound the heap', async () => {
      await using pool = onePool({
        resourceLimits: { maxOldGenerationSizeMb: 32.5, maxYoungGenerationSizeMb: 8.5, stackSizeMb: 1.5 },
      });
      assert.equal(await within(pool.run('first'), 60_000, 'the first task'), 'first');
      const error = await rejectionOf(pool, 'oom', 'the out-of-memory task');
      assert.ok(error instanceof WorkerOutOfMemoryError, `got ${String(error)}`);
      assert.equal(await pool.run('after'), 'after');
    });

    test("another death is ERR_HIVE_THREAD_EXITED, even after printing V8's out-of-memory line", async () => {
      await using pool = onePool();
      const error = (await rejectionOf(pool, 'fakeReport', 'the exiting task')) as Error & { code?: string };
      assert.ok(error instanceof ThreadExitedError);
      assert.ok(!(error instanceof WorkerOutOfMemoryError));
      assert.equal(error.code, 'ERR_HIVE_THREAD_EXITED');
      assert.equal(await pool.run('after'), 'after');
    });
  });
}
