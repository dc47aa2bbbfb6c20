// The timed retry after failed worker starts (start-retry.test.ts) is set with the `startRetry` option and seen in
// `pool.stats.startRetry`: how many starts failed in a row, and whether a retry waits and how long it still waits.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Pool, type PoolOptions } from 'hive/pool';
import { RETRY_MAX_MS } from '../../dist/pool/start-retry.js';
import { fixture as sharedFixture, waitFor, within } from './helpers.js';

const fixture = new URL('./fixtures/fails-at-load.mjs', import.meta.url);
const invalid = (pattern: RegExp) => ({ code: 'ERR_HIVE_INVALID_ARGUMENT', message: pattern });

/** Workers that reached the fixture's load (each makes a `load-<n>` directory). */
const loads = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('load-')).length;

describe('the startRetry option', () => {
  test('a bad value is refused at construction with the key and the value named', () => {
    for (const [startRetry, pattern] of [
      [true, /`startRetry` option to be false or an object, got true \(boolean\)/],
      [1000, /`startRetry` option to be false or an object, got 1000 \(number\)/],
      [null, /`startRetry` option to be false or an object, got null/],
      [{ delay: 0 }, /`startRetry\.delay` to be an integer number of ms from 1 to 2147483647, got 0 \(number\)/],
      [{ delay: 1.5 }, /`startRetry\.delay` to be an integer number of ms from 1 to 2147483647, got 1\.5/],
      [{ maxDelay: '30s' }, /`startRetry\.maxDelay` to be an integer number of ms from 1 to 2147483647, got "30s"/],
      [{ maxDelay: 2 ** 31 }, /`startRetry\.maxDelay` to be an integer .*2147483648 \(number\)/],
      [{ delay: 500, maxDelay: 100 }, /`startRetry\.maxDelay` \(100\) to be at least `startRetry\.delay` \(500\)/],
      [{ wait: 5 }, /Unknown `startRetry` key `wait` \(known: delay, maxDelay\)/],
    ] as const) {
      assert.throws(
        () => new Pool({ filename: sharedFixture('tasks.mjs'), startRetry: startRetry as never }),
        invalid(pattern),
      );
    }
  });

  test('filled in: the defaults, a delay above the default cap raises the cap, false stays false', () => {
    const filled = (startRetry: PoolOptions['startRetry']) =>
      new Pool({ filename: sharedFixture('tasks.mjs'), minThreads: 0, startRetry }).options.startRetry;
    assert.deepEqual(filled(undefined), { delay: 1000, maxDelay: 30_000 });
    assert.deepEqual(filled({ delay: 50 }), { delay: 50, maxDelay: 30_000 });
    assert.deepEqual(filled({ delay: 60_000 }), { delay: 60_000, maxDelay: 60_000 });
    assert.deepEqual(filled({ maxDelay: 5000 }), { delay: 1000, maxDelay: 5000 });
    assert.equal(filled(false), false);
  });

  test('a pool whose starts work shows no failed start and no retry', async () => {
    const pool = new Pool({ filename: sharedFixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
    try {
      assert.deepEqual(pool.stats.startRetry, { failedStarts: 0, pending: false, dueIn: 0 });
      assert.equal(await pool.run(1), 1);
      assert.deepEqual(pool.stats.startRetry, { failedStarts: 0, pending: false, dueIn: 0 });
    } finally {
      await pool.destroy();
    }
  });
});

describe('a module that fails to load while one worker serves', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  /** A pool of 2 over the fixture, broken: its first worker loads, every later one throws at load. */
  const brokenPool = (startRetry: PoolOptions['startRetry']) => {
    const dir = mkdtempSync(join(tmpdir(), 'hive-pool-retry-option-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'broken'), '');
    writeFileSync(join(dir, 'open'), '');
    const pool = new Pool({
      filename: fixture,
      minThreads: 2,
      maxThreads: 2,
      startRetry,
      env: { ...process.env, HIVE_TEST_DIR: dir, HIVE_TEST_FAIL: 'throw' },
    });
    const errors: (Error & { code?: string })[] = [];
    pool.on('error', (error) => errors.push(error));
    return { dir, pool, errors };
  };

  /**
   * Waits until the first worker served a task and every other start has failed: one worker alive. (The second may
   * fail before the first loads; then the first's load starts a third at once, which fails too.)
   */
  const settled = async (pool: Pool, errors: (Error & { code?: string })[]) => {
    await within(pool.run(0), 20_000, 'a task on the first worker');
    await waitFor(() => errors.length > 0 && pool.stats.threads === 1, 20_000, 'the other starts to fail');
    assert.deepEqual(
      errors.filter((error) => error.code !== 'ERR_HIVE_TASK_MODULE'),
      [],
    );
  };

  test('stats show the failed start and the retry it waits for, with the configured delay', async () => {
    const delay = 10 * RETRY_MAX_MS;
    const { dir, pool, errors } = brokenPool({ delay });
    try {
      await settled(pool, errors);
      const { startRetry } = pool.stats;
      assert.equal(startRetry.failedStarts, 1);
      assert.equal(startRetry.pending, true);
      // The configured wait, not the default one (at most RETRY_MAX_MS): the retry is still far off.
      assert.ok(
        startRetry.dueIn > RETRY_MAX_MS && startRetry.dueIn <= delay,
        `due in ${startRetry.dueIn} ms, of ${delay}`,
      );
      const started = loads(dir);
      await within(Promise.all([pool.run(1), pool.run(2), pool.run(3)]), 20_000, 'tasks on the live worker');
      assert.equal(loads(dir), started, 'no start before the retry is due');
      assert.equal(pool.stats.startRetry.pending, true);
    } finally {
      await pool.destroy();
    }
    assert.equal(pool.stats.startRetry.pending, false, 'destroy() stops the retry');
  });

  test('each failed retry counts; once the module loads, the count is back to 0 and no retry waits', async () => {
    const { dir, pool, errors } = brokenPool({ delay: 1, maxDelay: 1 });
    try {
      // With the default waits (1 s doubling) 5 failed starts take 15 s; with 1 ms they follow each other at once.
      await waitFor(() => pool.stats.startRetry.failedStarts >= 5, 20_000, '5 failed starts in a row');
      assert.ok(errors.every((error) => error.code === 'ERR_HIVE_TASK_MODULE'));
      rmSync(join(dir, 'broken'));
      await waitFor(() => pool.stats.threads === 2 && pool.stats.startRetry.failedStarts === 0, 20_000, 'recovery');
      assert.deepEqual(pool.stats.startRetry, { failedStarts: 0, pending: false, dueIn: 0 });
      await within(Promise.all([pool.run(1), pool.run(2)]), 20_000, 'two tasks on the recovered pool');
    } finally {
      await pool.destroy();
    }
  });

  test('startRetry: false arms no retry: the live worker serves, and no other starts while it does', async () => {
    const { dir, pool, errors } = brokenPool(false);
    try {
      await settled(pool, errors);
      assert.deepEqual(pool.stats.startRetry, { failedStarts: 1, pending: false, dueIn: 0 });
      // Tasks still run on the live worker, and asking for them starts nothing (it serves them).
      const started = loads(dir);
      await within(Promise.all([pool.run(1), pool.run(2), pool.run(3)]), 20_000, 'tasks on the live worker');
      assert.equal(pool.stats.startRetry.pending, false);
      assert.equal(loads(dir), started);
      // With no worker left, a task still starts one at once (it fails to load: the module is still broken).
      const crash = pool.run(null, { name: 'exit' });
      await assert.rejects(within(crash, 20_000, 'the crashing task'), { code: 'ERR_HIVE_THREAD_EXITED' });
      await waitFor(() => pool.stats.threads === 0, 20_000, 'the live worker to be gone');
      await assert.rejects(within(pool.run(4), 20_000, 'a task with no worker'), { code: 'ERR_HIVE_TASK_MODULE' });
      assert.equal(loads(dir), started + 1);
      assert.deepEqual(pool.stats.startRetry, { failedStarts: 2, pending: false, dueIn: 0 });
      // Once the module loads again, the next run() is served.
      rmSync(join(dir, 'broken'));
      await within(pool.run(5), 20_000, 'a task on the fixed module');
      assert.equal(pool.stats.startRetry.failedStarts, 0);
    } finally {
      await pool.destroy();
    }
  });
});
