// A worker start refused outright (here, a Node flag worker_threads refuses) for a run() with minThreads 0 fails the
// task, and then nothing needs a thread: stats.startRetry.pending used to stay true forever, the retry armed for no one
// and, once its timer fired and started nothing, never cleared.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture, waitFor } from './helpers.js';

test('a refused start with nothing left to run owes no retry', async () => {
  await using pool = new Pool({
    filename: fixture('echo.mjs'),
    minThreads: 0,
    maxThreads: 1,
    execArgv: ['--max-old-space-size=64'],
    startRetry: { delay: 50, maxDelay: 100 },
  });
  const errors: Error[] = [];
  pool.on('error', (error) => errors.push(error));
  await assert.rejects(pool.run(1), {
    code: 'ERR_HIVE_THREAD_EXITED',
    message: /^A pool worker could not be started: Initiated Worker with invalid execArgv flags/,
  });
  assert.equal(errors.length, 1);
  await waitFor(() => !pool.stats.startRetry.pending, 10_000, 'no retry pending');
  assert.deepEqual(pool.stats.startRetry, { failedStarts: 1, pending: false, dueIn: 0 });
  assert.equal(pool.stats.threads, 0);
  assert.equal(pool.stats.queued, 0);
  // A run() still tries a start at once (and fails the same way), with no retry owed after it either.
  await assert.rejects(pool.run(2), { code: 'ERR_HIVE_THREAD_EXITED' });
  await waitFor(() => !pool.stats.startRetry.pending, 10_000, 'no retry pending after the second refusal');
  assert.equal(pool.stats.startRetry.failedStarts, 2);
});
