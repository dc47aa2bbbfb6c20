import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { assertEachRanOnce, waitFor } from './helpers.js';

// Its loads fail by number (HIVE_TEST_FAIL_LOAD) or while HIVE_TEST_DIR/broken exists; HIVE_TEST_FAIL: 'exit' makes
// the worker die while loading.
const fixture = new URL('./fixtures/fails-at-load.mjs', import.meta.url);

/** Starts of workers that reached the fixture's load (each makes a `load-<n>` directory). */
const loads = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('load-')).length;

for (const isolation of ['thread', 'process'] as const) {
  describe(`a worker that dies before it is ready (isolation: '${isolation}')`, () => {
    const dirs: string[] = [];
    /** A directory for the fixture; `broken`: every load past the first HIVE_TEST_SPARE dies. */
    const tempDir = (broken = false) => {
      const dir = mkdtempSync(join(tmpdir(), 'hive-pool-early-'));
      dirs.push(dir);
      if (broken) writeFileSync(join(dir, 'broken'), '');
      return dir;
    };
    after(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    /** A pool of 1 to 2 workers on the fixture in `dir`, whose failing loads exit; `env` adds to its settings. */
    const failingPool = (dir: string, env: Record<string, string> = {}) =>
      new Pool({
        filename: fixture,
        isolation,
        minThreads: 1,
        maxThreads: 2,
        env: { ...process.env, HIVE_TEST_DIR: dir, HIVE_TEST_FAIL: 'exit', ...env },
      });

    test('while another serves: the queue waits, a new worker replaces it, every task runs once', async () => {
      const dir = tempDir();
      const n = 200;
      const pool = failingPool(dir, { HIVE_TEST_FAIL_LOAD: '2' });
      try {
        const errors: Error[] = [];
        pool.on('error', (error) => errors.push(error));
        // The tasks wait for the gate, so the queue is full when the second worker dies, and the pool grows for it.
        const settling = Promise.allSettled(Array.from({ length: n }, (_, index) => pool.run(index)));
        let threadsAfterDeath: number;
        try {
          await waitFor(() => errors.length > 0, 20_000, 'the second worker to die');
          threadsAfterDeath = pool.stats.threads;
        } finally {
          writeFileSync(join(dir, 'open'), '');
        }
        const settled = await settling;
        assertEachRanOnce(settled, dir);
        settled.forEach((outcome, index) => {
          assert.equal((outcome as PromiseFulfilledResult<{ index: number }>).value.index, index);
        });
        assert.equal(errors.length, 1);
        assert.equal((errors[0] as Error & { code?: string }).code, 'ERR_HIVE_THREAD_EXITED');
        assert.equal(threadsAfterDeath, 2, 'a new worker replaced the one that died');
      } finally {
        await pool.destroy();
      }
    });

    test('a module that kills every new worker: replacements wait after 3 in a row, the live one serves all', async () => {
      const dir = tempDir(true);
      const n = 50;
      const pool = failingPool(dir);
      try {
        let errors = 0;
        // The workers of the pool once each death was answered: a replacement starts in the same turn as the death.
        const threadsAfterDeath: number[] = [];
        pool.on('error', () => {
          errors++;
          queueMicrotask(() => threadsAfterDeath.push(pool.stats.threads));
        });
        const settling = Promise.allSettled(Array.from({ length: n }, (_, index) => pool.run(index)));
        try {
          // Each early death starts a replacement in the same turn, so the pool is back to one worker only once the
          // replacements stopped.
          await waitFor(() => errors >= 3 && pool.stats.threads === 1, 20_000, 'replacements to stop');
        } finally {
          writeFileSync(join(dir, 'open'), '');
        }
        assertEachRanOnce(await settling, dir);
        // Only the first 2 deaths in a row are replaced at once (the first worker's load may restart the count once);
        // from the 3rd on, a replacement waits for the retry timer (start-retry.test.ts), which starts one at a time.
        assert.ok(errors >= 3, `${errors} early deaths`);
        const replacedAtOnce = threadsAfterDeath.filter((threads) => threads > 1).length;
        assert.ok(replacedAtOnce <= 4, `${replacedAtOnce} of ${errors} deaths replaced at once`);
        assert.ok(
          loads(dir) <= errors + 2,
          `${loads(dir)} loads: the live worker, the dead ones, at most one starting`,
        );
      } finally {
        await pool.destroy();
      }
    });

    test('a module that kills every worker at load fails the queued tasks, without a respawn loop', async () => {
      const dir = tempDir(true);
      const n = 20;
      const maxThreads = 2;
      const pool = failingPool(dir, { HIVE_TEST_SPARE: '0' });
      pool.on('error', () => {});
      const settled = await Promise.allSettled(Array.from({ length: n }, (_, index) => pool.run(index)));
      for (const outcome of settled) {
        assert.equal(outcome.status, 'rejected');
        assert.equal((outcome as PromiseRejectedResult).reason.code, 'ERR_HIVE_THREAD_EXITED');
      }
      // Once nothing is alive or starting, only run() or the retry timer (seconds apart, see start-retry.test.ts)
      // starts a worker: no loop can be running. (A respawn happens in the same turn as the death it answers, so a
      // looping pool never shows 0.)
      await waitFor(() => pool.stats.threads === 0, 20_000, 'every worker to be gone');
      // The workers that replaced early deaths are bounded (3 in a row) on top of the first maxThreads.
      const started = loads(dir);
      assert.ok(started <= maxThreads + 3, `${started} workers started`);
      await assert.rejects(pool.run(0), { code: 'ERR_HIVE_THREAD_EXITED' }, 'the next run() tries again');
      assert.equal(pool.stats.threads, 0);
      assert.ok(loads(dir) <= started + maxThreads);
      await pool.destroy();
    });
  });
}
