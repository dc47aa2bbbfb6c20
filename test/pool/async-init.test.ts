// A task module may export a Promise of its handler, to initialise once per worker (piscina's idiom for loading a
// model or opening a database). Hive used to see no function there and rejected every task with
// ERR_HIVE_TASK_NOT_FOUND, and an init that rejected went unhandled and crashed the worker.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

for (const isolation of ['thread', 'process'] as const) {
  describe(`a task module whose exports are Promises of the handler (isolation: '${isolation}')`, () => {
    test('an ES module: the default export and a named one run, beside a plain function export', async () => {
      await using pool = new Pool({ filename: fixture('async-init.mjs'), isolation, minThreads: 0, maxThreads: 1 });
      assert.equal(await pool.run(21), 42);
      assert.equal(await pool.run(1, { name: 'plain' }), 2);
      const who = (await pool.run(null, { name: 'whoami' })) as { inits: number };
      assert.equal(who.inits, 1);
    });

    test('CommonJS: `module.exports` a Promise of the handler, and a named export that is one', async () => {
      await using pool = new Pool({ filename: fixture('async-init.cjs'), isolation, minThreads: 0, maxThreads: 1 });
      assert.deepEqual(await pool.run(4), { doubled: 8, inits: 1 });
      await using named = new Pool({
        filename: fixture('async-init-named.cjs'),
        isolation,
        minThreads: 0,
        maxThreads: 1,
      });
      assert.equal(await named.run(5, { name: 'square' }), 25);
      assert.equal(await named.run(5, { name: 'plain' }), 6);
    });

    test('the init runs once per worker, not once per task', async () => {
      const inits = counters(1);
      const created: number[] = [];
      await using pool = new Pool({
        filename: fixture('async-init.mjs'),
        isolation,
        minThreads: 2,
        maxThreads: 2,
        ...(isolation === 'thread' ? { workerData: { inits } } : {}),
      });
      pool.on('workerCreate', (info: { threadId?: number; pid?: number }) => created.push(info.threadId ?? info.pid!));
      const runAll = async () => {
        const results = (await Promise.all(Array.from({ length: 40 }, () => pool.run(null, { name: 'whoami' })))) as {
          inits: number;
          worker: number;
        }[];
        for (const result of results) assert.equal(result.inits, 1, `worker ${result.worker} ran its init once`);
        for (const { worker } of results) assert.ok(created.includes(worker), `worker ${worker} is one of the pool's`);
      };
      await waitFor(() => created.length === 2, 20_000, 'the workerCreate events');
      await runAll();
      if (isolation === 'thread') {
        // Across the pool (threads share the counter's memory; processes do not): one init per worker started, the
        // second once it has loaded, however many tasks run.
        await waitFor(() => Atomics.load(inits, 0) === 2, 20_000, 'both inits');
        await runAll();
        assert.equal(Atomics.load(inits, 0), 2);
      }
      assert.equal(created.length, 2);
    });

    test('an init that rejects rejects the task with ERR_HIVE_TASK_MODULE, naming the file and carrying the cause', async () => {
      const pool = new Pool({ filename: fixture('init-rejects.mjs'), isolation, minThreads: 1, maxThreads: 1 });
      try {
        const errors: Error[] = [];
        let creates = 0;
        pool.on('error', (error: Error) => errors.push(error));
        pool.on('workerCreate', () => creates++);
        await assert.rejects(within(pool.run(1), 60_000, 'the task'), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ERR_HIVE_TASK_MODULE');
          assert.match(error.message, /init-rejects\.mjs/);
          assert.match(error.message, /export "default"/);
          assert.match(error.message, /cannot reach the database/);
          const cause = error.cause as Error & { code?: string };
          assert.equal(cause.message, 'cannot reach the database');
          assert.equal(cause.code, 'ECONNREFUSED');
          return true;
        });
        // No restart loop: the pool holds, and the next start waits for the retry timer (see docs/pool.md, Recovery).
        await waitFor(() => creates === 1 && errors.length === 1, 20_000, 'the one failed start');
        assert.equal(pool.stats.threads, 0);
        assert.equal(pool.stats.startRetry.pending, true);
        assert.equal(pool.stats.startRetry.failedStarts, 1);
        assert.equal(errors[0]?.message.includes('init-rejects.mjs'), true);
      } finally {
        await pool.destroy();
      }
    });
  });
}
