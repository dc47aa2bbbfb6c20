// An async init (an export that is a Promise of the handler) that never finishes used to hold every task, timeout or
// not, for ever: a task's timeout counts from its start, and a task never started. Now the wait counts against it
// while no worker has loaded the module and one is in its init, and the worker is left to its init.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'hive/pool';
import { fixture, waitFor, within } from './helpers.js';

for (const isolation of ['thread', 'process'] as const) {
  describe(`an async init that does not finish (isolation: '${isolation}')`, () => {
    const dirs: string[] = [];
    after(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    // A one-worker pool on init-waits.mjs, whose init waits for `go` in `dir` (a temp directory of its own).
    const initWaitsPool = (): { pool: Pool; dir: string } => {
      const dir = mkdtempSync(join(tmpdir(), 'hive-pool-init-'));
      dirs.push(dir);
      const pool = new Pool({
        filename: fixture('init-waits.mjs'),
        isolation,
        minThreads: 1,
        maxThreads: 1,
        env: { ...process.env, HIVE_TEST_DIR: dir },
      });
      return { pool, dir };
    };

    test('a task with a timeout rejects with ERR_HIVE_TASK_TIMEOUT; the worker goes on with its init', async () => {
      const { pool, dir } = initWaitsPool();
      let destroys = 0;
      try {
        pool.on('workerDestroy', () => destroys++);
        const untimed = pool.run('untimed');
        await assert.rejects(within(pool.run('timed', { timeout: 300 }), 60_000, 'the timed task'), {
          code: 'ERR_HIVE_TASK_TIMEOUT',
          message: /initiali[sz]ation/,
        });
        assert.equal(destroys, 0, 'the worker was not stopped');
        assert.equal(pool.stats.threads, 1);
        assert.equal(pool.stats.queued, 1, 'the task without a timeout still waits');
        writeFileSync(join(dir, 'go'), '');
        assert.equal(await within(untimed, 60_000, 'the untimed task'), 'untimed');
        assert.equal(await pool.run('after', { timeout: 60_000 }), 'after');
        assert.equal(destroys, 0);
      } finally {
        await pool.destroy();
      }
    });

    test('once a worker has loaded the module, time in the queue no longer counts against a timeout', async () => {
      const { pool, dir } = initWaitsPool();
      try {
        const timeout = 1000;
        const held = pool.run(null, { name: 'hold' });
        // More than one batch (64 tasks): the worker is sent the first ones as it loads, and the rest stay queued.
        const queued = Array.from({ length: 100 }, (_, i) => pool.run(i, { timeout }));
        const queuedAt = performance.now();
        writeFileSync(join(dir, 'go'), '');
        await waitFor(() => existsSync(join(dir, 'running')), 60_000, 'the held task to start');
        // Past the queued tasks' timeout while they still wait behind the held one, for a thread and no longer for
        // the init: they must not time out for that.
        await delay(Math.max(0, queuedAt + timeout * 1.5 - performance.now()));
        writeFileSync(join(dir, 'release'), '');
        assert.equal(await within(held, 60_000, 'the held task'), 'released');
        const settled = await within(Promise.allSettled(queued), 60_000, 'the queued tasks');
        assert.deepEqual(
          settled,
          Array.from({ length: 100 }, (_, i) => ({ status: 'fulfilled', value: i })),
        );
      } finally {
        await pool.destroy();
      }
    });

    test('destroy() rejects the tasks that wait for it and stops the worker', async () => {
      const { pool } = initWaitsPool();
      const waiting = assert.rejects(pool.run('never'), { code: 'ERR_HIVE_POOL_CLOSED' });
      // Once this times out waiting for it, the worker is surely in its init.
      await assert.rejects(within(pool.run('timed', { timeout: 200 }), 60_000, 'the timed task'), {
        code: 'ERR_HIVE_TASK_TIMEOUT',
      });
      await within(pool.destroy(), 60_000, 'destroy()');
      await waiting;
      assert.equal(pool.stats.threads, 0);
    });
  });
}
