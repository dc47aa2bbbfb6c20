// A worker that cannot start (its module fails to load, or it dies while loading) while another serves used to leave the
// pool short: no growth until the next run(), or, after 3 early deaths in a row, none until a worker loaded again.
// Now a timed retry brings it back to minThreads and up to what the queue needs once loading works again, with no
// run() to ask for it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Pool } from 'hive/pool';
import { RETRY_FIRST_MS, RETRY_MAX_MS, retryDelay } from '../../dist/pool/start-retry.js';
import { assertEachRanOnce, runCounts, waitFor, within } from './helpers.js';

const fixture = new URL('./fixtures/fails-at-load.mjs', import.meta.url);

/** Files of the fixture's directory whose name starts with `prefix`. */
const count = (dir: string, prefix: string) => readdirSync(dir).filter((name) => name.startsWith(prefix)).length;

/** The codes of `errors` that are not `code`, to name them when there are any. */
const otherCodes = (errors: (Error & { code?: string })[], code: string) =>
  errors.filter((error) => error.code !== code).map((error) => `${error.code}: ${error.message}`);

test('the wait between retries doubles from the first and stops growing at the cap', () => {
  assert.equal(retryDelay(0), RETRY_FIRST_MS);
  assert.equal(retryDelay(1), 2 * RETRY_FIRST_MS);
  assert.equal(retryDelay(2), 4 * RETRY_FIRST_MS);
  assert.equal(retryDelay(1000), RETRY_MAX_MS);
  for (let failed = 0; failed < 50; failed++) assert.ok(retryDelay(failed + 1) >= retryDelay(failed));
});

const failures = [
  { fail: 'throw', code: 'ERR_HIVE_TASK_MODULE' },
  { fail: 'exit', code: 'ERR_HIVE_THREAD_EXITED' },
] as const;

for (const isolation of ['thread', 'process'] as const) {
  for (const { fail, code } of failures) {
    describe(`a worker that cannot start while another serves (${fail}, isolation: '${isolation}')`, () => {
      const dirs: string[] = [];
      const tempDir = () => {
        const dir = mkdtempSync(join(tmpdir(), 'hive-pool-retry-'));
        dirs.push(dir);
        writeFileSync(join(dir, 'broken'), '');
        return dir;
      };
      after(() => {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      });
      const poolFor = (dir: string, minThreads: number, maxThreads: number) =>
        new Pool({
          filename: fixture,
          isolation,
          minThreads,
          maxThreads,
          // The retry's timing is not what these tests check (the first test and pool-stats do): a short wait keeps
          // each from idling through the default 1 s, 2 s, 4 s... between the pool going short and its recovery.
          startRetry: { delay: 50, maxDelay: 200 },
          env: { ...process.env, HIVE_TEST_DIR: dir, HIVE_TEST_FAIL: fail },
        });

      test('an idle pool waiting to retry does not keep the process alive', async () => {
        const script = new URL('./fixtures/retrying-idle-exits.mjs', import.meta.url).pathname;
        // execFile's timeout kills a process that hangs: then this rejects.
        const { stdout } = await promisify(execFile)(process.execPath, [script, isolation, fail], { timeout: 30_000 });
        const [printed, dir] = stdout.trim().split('\n');
        if (dir !== undefined) dirs.push(dir);
        assert.equal(printed, code);
      });

      test('once loading works again, the pool is back to minThreads without a run() asking for it', async () => {
        const dir = tempDir();
        writeFileSync(join(dir, 'open'), '');
        const pool = poolFor(dir, 2, 2);
        try {
          const errors: (Error & { code?: string })[] = [];
          pool.on('error', (error) => errors.push(error));
          await pool.run(2);
          // One worker serves and nothing starts: the pool is short of minThreads (for good, before the retry).
          await waitFor(() => errors.length > 0 && pool.stats.threads === 1, 20_000, 'the pool to be short');
          assert.deepEqual(otherCodes(errors, code), []);
          rmSync(join(dir, 'broken'));
          await waitFor(() => count(dir, 'ok-') === 2 && pool.stats.threads === 2, 20_000, 'a second loaded worker');
          // Both serve at once.
          rmSync(join(dir, 'open'));
          const both = [pool.run(0), pool.run(1)];
          await waitFor(
            () => existsSync(join(dir, 'running-0')) && existsSync(join(dir, 'running-1')),
            20_000,
            'two tasks running at once',
          );
          writeFileSync(join(dir, 'open'), '');
          const [a, b] = (await Promise.all(both)) as { worker: string }[];
          assert.notEqual(a?.worker, b?.worker);
          assert.deepEqual(runCounts(dir, 3), [1, 1, 1], 'each task ran exactly once');
        } finally {
          await pool.destroy();
        }
      });

      test('the last live worker dies while starts fail: the tasks it held do not wait for a timer, they settle', async () => {
        const dir = tempDir();
        const pool = poolFor(dir, 2, 2);
        try {
          const errors: (Error & { code?: string })[] = [];
          pool.on('error', (error) => errors.push(error));
          // All submitted before a start fails: no run() comes after it (a run() used to clear the old stop).
          const first = pool.run(0);
          const crash = pool.run(null, { name: 'exit' });
          const behind = [1, 2, 3].map((index) => pool.run(index));
          await waitFor(
            () => errors.length > 0 && pool.stats.threads === 1 && existsSync(join(dir, 'running-0')),
            20_000,
            'the pool to be short',
          );
          // The worker that serves finishes task 0 and dies on the next; the tasks behind go back to the queue with no
          // worker left, and the one started for them at once fails to start too (the module is still broken): they
          // reject, none waits for a timer or a run().
          writeFileSync(join(dir, 'open'), '');
          await within(first, 20_000, 'the first task');
          await assert.rejects(within(crash, 20_000, 'the crashing task'), { code: 'ERR_HIVE_THREAD_EXITED' });
          const settled = await within(Promise.allSettled(behind), 20_000, 'the tasks behind it');
          for (const outcome of settled) {
            assert.equal(outcome.status, 'rejected');
            assert.equal((outcome as PromiseRejectedResult).reason.code, code);
          }
          assert.deepEqual(runCounts(dir, 4), [1, 0, 0, 0]);
          // And once the module loads again, the pool is back to minThreads on its own.
          rmSync(join(dir, 'broken'));
          await waitFor(() => count(dir, 'ok-') >= 3 && pool.stats.threads === 2, 20_000, 'two loaded workers');
          await within(Promise.all([pool.run(4), pool.run(5)]), 20_000, 'two tasks on the recovered pool');
        } finally {
          await pool.destroy();
        }
      });

      test('once loading works again, the pool grows to maxThreads for the queue; every task runs once', async () => {
        const dir = tempDir();
        const pool = poolFor(dir, 1, 3);
        try {
          const errors: (Error & { code?: string })[] = [];
          pool.on('error', (error) => errors.push(error));
          const n = 6;
          const settling = Promise.allSettled(Array.from({ length: n }, (_, index) => pool.run(index)));
          try {
            // One worker runs a task, the others could not start, and nothing is starting any more.
            await waitFor(
              () => errors.length > 0 && pool.stats.threads === 1 && count(dir, 'running-') === 1,
              20_000,
              'the pool to be short',
            );
            assert.deepEqual(otherCodes(errors, code), []);
            rmSync(join(dir, 'broken'));
            await waitFor(() => count(dir, 'running-') === 3, 20_000, 'three tasks running at once');
            assert.equal(pool.stats.threads, 3);
          } finally {
            writeFileSync(join(dir, 'open'), '');
          }
          assertEachRanOnce(await settling, dir);
        } finally {
          await pool.destroy();
        }
      });
    });
  }
}
