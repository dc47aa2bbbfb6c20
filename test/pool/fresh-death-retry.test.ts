// A module whose workers die shortly after loading (a top-level timer that throws) must not make the pool restart
// them in a loop: a worker that dies before completing any task counts as a failed start, like one that dies while
// loading, so from the 3rd in a row replacements wait for the startRetry timer, one start per wait.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'hive/pool';
import { waitFor, within } from './helpers.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const loads = (dir: string): number => readdirSync(dir).filter((name) => name.startsWith('load-')).length;

function dyingPool(isolation: 'thread' | 'process', startRetry: { delay: number; maxDelay?: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'hive-pool-fresh-death-'));
  dirs.push(dir);
  const pool = new Pool({
    filename: new URL('./fixtures/dies-after-load.mjs', import.meta.url),
    isolation,
    minThreads: 1,
    maxThreads: 1,
    startRetry,
    env: { ...process.env, HIVE_TEST_DIR: dir },
  });
  const errors: (Error & { code?: string })[] = [];
  pool.on('error', (error) => errors.push(error));
  return { dir, pool, errors };
}

for (const isolation of ['thread', 'process'] as const) {
  describe(`isolation: ${isolation}`, () => {
    test('after 3 workers in a row die before any task, no worker starts until the retry is due', async () => {
      const { dir, pool, errors } = dyingPool(isolation, { delay: 600_000 });
      try {
        await waitFor(() => pool.stats.startRetry.pending, 20_000, 'a pending retry');
        assert.equal(loads(dir), 3, 'three starts, then the wait');
        assert.equal(pool.stats.startRetry.failedStarts, 3);
        assert.equal(pool.stats.threads, 0);
        assert.equal(errors.length, 3);
        assert.ok(errors.every((error) => error.code === 'ERR_HIVE_THREAD_EXITED'));
        // Not a timing check: the old loop started dozens of workers in this time; the fix starts none, however slow.
        await delay(300);
        assert.equal(loads(dir), 3, 'no start while the retry waits');
        assert.equal(pool.stats.startRetry.pending, true);

        // A task waiting with no worker starts one at once (it does not wait for the timer); that one dies too, and
        // the task rejects rather than start workers in a loop.
        await assert.rejects(within(pool.run(1), 20_000, 'the task'), { code: 'ERR_HIVE_THREAD_EXITED' });
        assert.equal(loads(dir), 4, 'one start for the task');
        await waitFor(() => pool.stats.startRetry.pending, 20_000, 'the retry again');
        await delay(300);
        assert.equal(loads(dir), 4);
        // A failed start if it died before it started the task; if it had started it, the death is the task's crash
        // (a native crash looks the same) and not counted. Which comes first is a race with the module's timer.
        const { failedStarts } = pool.stats.startRetry;
        assert.ok(failedStarts === 3 || failedStarts === 4, `failedStarts ${failedStarts}`);
      } finally {
        await pool.destroy();
      }
    });

    test('each retry starts one worker, and the waits double', async () => {
      const { dir, pool } = dyingPool(isolation, { delay: 20, maxDelay: 600_000 });
      try {
        // 3 at once, then after 20, 40 and 80 ms: 6 starts.
        await waitFor(() => pool.stats.startRetry.failedStarts >= 6, 20_000, '6 failed starts');
        await waitFor(() => pool.stats.startRetry.pending, 20_000, 'the next retry');
        const failed = pool.stats.startRetry.failedStarts;
        assert.equal(loads(dir), failed, 'one start per failure');
        assert.ok(pool.stats.startRetry.dueIn <= 20 * 2 ** (failed - 3), `due in ${pool.stats.startRetry.dueIn}`);
      } finally {
        await pool.destroy();
      }
    });
  });
}
