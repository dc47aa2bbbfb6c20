// A worker that dies while running a task, however soon after it loaded the module (a native crash, a resourceLimits
// OOM), is that task's crash, not a failed start: it used to count as one (it died within MIN_UPTIME_MS), so a few
// quick-crashing tasks in a row made the pool hold replacements on the retry timer and blame the module.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture, waitFor, within } from './helpers.js';

for (const isolation of ['thread', 'process'] as const) {
  describe(`isolation: ${isolation}`, () => {
    test('tasks that crash fresh workers in a row do not count as failed starts: workers are replaced at once', async () => {
      // The retry wait would outlast the test: a replacement held on it would never come.
      await using pool = new Pool({
        filename: fixture('tasks.mjs'),
        isolation,
        minThreads: 1,
        maxThreads: 1,
        startRetry: { delay: 600_000, maxDelay: 600_000 },
      });
      const errors: Error[] = [];
      pool.on('error', (error) => errors.push(error));
      for (let i = 0; i < 4; i++) {
        // Each crash hits the worker started to replace the previous one, right after it loaded.
        await assert.rejects(within(pool.run({ code: 3 }, { name: 'exit' }), 20_000, `crash ${i}`), {
          code: 'ERR_HIVE_THREAD_EXITED',
        });
        assert.equal(pool.stats.startRetry.failedStarts, 0, `crash ${i}`);
        assert.equal(pool.stats.startRetry.pending, false, `crash ${i}`);
      }
      await waitFor(() => pool.stats.threads === 1, 20_000, 'a replacement worker');
      assert.equal(pool.stats.startRetry.failedStarts, 0);
      assert.equal(pool.stats.startRetry.pending, false);
      assert.equal(await within(pool.run('next'), 20_000, 'a task after the crashes'), 'next');
      assert.deepEqual(errors, [], 'each crash is its task’s error, not the pool’s');
    });
  });
}
