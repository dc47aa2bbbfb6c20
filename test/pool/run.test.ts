import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor } from './helpers.js';

describe('Pool.run', () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 2, maxQueue: 10_000 });
  after(() => pool.destroy());

  test('runs the default export and named exports', async () => {
    assert.equal(await pool.run(41), 41);
    assert.equal(await pool.run({ ms: 5 }, { name: 'sleep' }), 5);
    const who = (await pool.run({}, { name: 'whoami' })) as { threadId: number; pid: number };
    assert.ok(who.threadId > 0, 'runs off the main thread');
    assert.equal(who.pid, process.pid);
  });

  test('a task error reaches the caller with its name, message, code and fields', async () => {
    await assert.rejects(
      pool.run({ message: 'no luck' }, { name: 'fail' }),
      (error: Error & Record<string, unknown>) => {
        assert.equal(error.name, 'RangeError');
        assert.equal(error.message, 'no luck');
        assert.equal(error.code, 'E_TASK');
        assert.equal(error.detail, 42);
        assert.match(String(error.stack), /tasks\.mjs/);
        return true;
      },
    );
    await assert.rejects(pool.run(null, { name: 'rejectAsync' }), /async failure/);
    // The pool is still fine afterwards.
    assert.equal(await pool.run('still here'), 'still here');
  });

  test('many tasks in flight all resolve, each run exactly once and in its own slot', async () => {
    const n = 5000;
    const counter = counters(n);
    const results = await Promise.all(
      Array.from({ length: n }, (_, index) => pool.run({ counter, index, value: index })),
    );
    assert.deepEqual(
      results,
      Array.from({ length: n }, (_, i) => i),
    );
    assert.ok(
      counter.every((c) => c === 1),
      'every task ran exactly once',
    );
  });

  test('uses both threads for long tasks that arrive together, and never stacks them on one', async () => {
    await using longPool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 2, maxThreads: 2 });
    // Both threads up first (a loaded machine can take a while to start one), then a warm-up with tiny tasks so
    // the run-time estimate says "tiny" (big batches) when the long tasks arrive.
    await waitFor(() => longPool.stats.threads === 2);
    const seen = new Set<number>();
    while (seen.size < 2) {
      const pair = (await Promise.all([0, 1].map(() => longPool.run({ spin: 20 }, { name: 'whoami' })))) as {
        threadId: number;
      }[];
      for (const { threadId } of pair) seen.add(threadId);
    }
    await Promise.all(Array.from({ length: 500 }, (_, i) => longPool.run(i)));
    const runs = (await Promise.all(
      Array.from({ length: 4 }, () => longPool.run({ spin: 150 }, { name: 'whoami' })),
    )) as { threadId: number }[];
    const perThread = new Map<number, number>();
    for (const { threadId } of runs) perThread.set(threadId, (perThread.get(threadId) ?? 0) + 1);
    assert.deepEqual([...perThread.values()], [2, 2], 'two long tasks on each thread');
  });

  test('progress events reach onProgress in order', async () => {
    const seen: unknown[] = [];
    const result = await pool.run({ steps: 5 }, { name: 'progress', onProgress: (value) => seen.push(value) });
    assert.equal(result, 'done');
    assert.deepEqual(
      seen,
      [1, 2, 3, 4, 5].map((step) => ({ step, of: 5 })),
    );
  });

  test('onTiming reports queue wait, run time and the thread of each task', async () => {
    const timings: { waitMs: number; runMs: number; worker: number }[] = [];
    const results = (await Promise.all(
      [0, 1, 2].map(() => pool.run({ spin: 30 }, { name: 'whoami', onTiming: (t) => timings.push(t) })),
    )) as { threadId: number }[];
    assert.equal(timings.length, 3);
    for (const timing of timings) {
      assert.ok(timing.runMs >= 29, `run time measured in the thread: ${timing.runMs}`);
      assert.ok(timing.waitMs >= 0);
    }
    assert.deepEqual(new Set(timings.map((t) => t.worker)), new Set(results.map((r) => r.threadId)));
  });

  test('stats count completed and failed tasks and report percentiles', async () => {
    const before = pool.stats;
    await pool.run(1);
    await pool.run({}, { name: 'fail' }).catch(() => {});
    const stats = pool.stats;
    assert.equal(stats.completed, before.completed + 1);
    assert.equal(stats.failed, before.failed + 1);
    assert.ok(stats.runTime.count >= 2);
    assert.ok(stats.runTime.p99 >= stats.runTime.p50 && stats.runTime.p50 > 0);
    assert.ok(stats.waitTime.p99 >= stats.waitTime.p50);
    assert.ok(stats.utilization > 0 && stats.utilization <= 1);
    assert.equal(stats.threads, 2);
    assert.equal(stats.queued, 0);
  });
});

describe('task modules', () => {
  test('CommonJS: module.exports function and its properties', async () => {
    await using pool = new Pool({ filename: fixture('common.cjs'), maxThreads: 1 });
    assert.equal(await pool.run(5), 10);
    assert.equal(await pool.run(5, { name: 'triple' }), 15);
  });

  test('TypeScript without a build step', async () => {
    await using pool = new Pool({ filename: fixture('typed.ts'), maxThreads: 1 });
    assert.equal(await pool.run({ x: 3, y: 4 }), 5);
    assert.deepEqual(await pool.run({ x: 1, y: 2 }, { name: 'scale' }), { x: 2, y: 4 });
  });

  test('filename as a file: URL string and as a path', async () => {
    const url = fixture('common.cjs');
    for (const filename of [url.href, url.pathname]) {
      const pool = new Pool({ filename, maxThreads: 1 });
      assert.equal(await pool.run(1), 2);
      await pool.close();
    }
  });
});
