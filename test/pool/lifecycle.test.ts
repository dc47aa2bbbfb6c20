import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor } from './helpers.js';

describe('close and destroy', () => {
  test('close() finishes running and queued tasks, then refuses new ones with ERR_HIVE_POOL_CLOSED', async () => {
    const pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1 });
    const counter = counters(3);
    const runs = [0, 1, 2].map((index) => pool.run({ counter, index, ms: 30 }, { name: 'busy' }));
    const closed = pool.close();
    await assert.rejects(pool.run(1), { code: 'ERR_HIVE_POOL_CLOSED' });
    assert.deepEqual(await Promise.all(runs), [30, 30, 30]);
    await closed;
    assert.deepEqual([...counter], [1, 1, 1]);
    assert.equal(pool.stats.threads, 0);
  });

  test('destroy() rejects queued and running tasks with ERR_HIVE_POOL_CLOSED and stops the threads now', async () => {
    const pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1 });
    const settled = Promise.allSettled([0, 1, 2].map(() => pool.run({ ms: 60_000 }, { name: 'busy' })));
    await pool.destroy();
    for (const result of await settled) {
      assert.equal(result.status, 'rejected');
      assert.equal((result as PromiseRejectedResult).reason.code, 'ERR_HIVE_POOL_CLOSED');
    }
    await assert.rejects(pool.run(1), { code: 'ERR_HIVE_POOL_CLOSED' });
    assert.equal(pool.stats.threads, 0);
  });

  test('Symbol.asyncDispose closes the pool (await using)', async () => {
    let outer: Pool;
    {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1 });
      outer = pool;
      assert.equal(await pool.run(1), 1);
    }
    await assert.rejects(outer.run(1), { code: 'ERR_HIVE_POOL_CLOSED' });
  });

  test('an idle pool that was never closed does not keep the process alive', async () => {
    const script = `
      const { Pool } = await import('hive/pool');
      const pool = new Pool({ filename: ${JSON.stringify(fixture('tasks.mjs').href)}, minThreads: 2, maxThreads: 2 });
      console.log(await pool.run(21));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 30_000,
    });
    assert.equal(stdout.trim(), '21');
  });

  test('emits drain when nothing is queued or running any more', async () => {
    await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 2 });
    let drains = 0;
    pool.on('drain', () => drains++);
    await Promise.all(Array.from({ length: 100 }, (_, i) => pool.run(i)));
    assert.ok(drains >= 1);
  });
});

describe('backpressure and sizing', () => {
  test('a full queue rejects at once with ERR_HIVE_QUEUE_FULL and loses none of the accepted tasks', async () => {
    await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, maxQueue: 4 });
    await waitFor(() => pool.stats.threads === 1);
    const counter = counters(10);
    const runs = Array.from({ length: 10 }, (_, index) => pool.run({ counter, index, ms: 20 }, { name: 'busy' }));
    const settled = await Promise.allSettled(runs);
    const accepted = settled.filter((s) => s.status === 'fulfilled').length;
    const refused = settled.filter(
      (s) => s.status === 'rejected' && (s as PromiseRejectedResult).reason.code === 'ERR_HIVE_QUEUE_FULL',
    ).length;
    assert.equal(accepted + refused, 10);
    assert.ok(accepted >= 4 && accepted <= 5, `one running plus maxQueue waiting, got ${accepted}`);
    for (let i = 0; i < 10; i++) assert.equal(counter[i], settled[i]!.status === 'fulfilled' ? 1 : 0);
  });

  test('threads above minThreads retire after idleTimeout; a burst grows the pool to maxThreads', async () => {
    await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 2, idleTimeout: 100 });
    const burst = Promise.all(Array.from({ length: 8 }, () => pool.run({ ms: 250 }, { name: 'busy' })));
    await waitFor(() => pool.stats.threads === 2, 20_000, 'a second thread for the burst');
    await burst;
    await waitFor(() => pool.stats.threads === 1, 20_000, 'the idle thread to retire');
  });

  test("idleTimeout: Infinity (piscina's way to say never) is accepted, and the threads above minThreads stay", async () => {
    const options = { filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 2 };
    await using pool = new Pool({ ...options, idleTimeout: Number.POSITIVE_INFINITY });
    // A witness with a short idleTimeout: once its second thread retired, an idle check has had its turn.
    await using witness = new Pool({ ...options, idleTimeout: 1 });
    const burst = (each: Pool) => Promise.all(Array.from({ length: 8 }, () => each.run({ ms: 100 }, { name: 'busy' })));
    const bursts = Promise.all([burst(pool), burst(witness)]);
    await waitFor(() => pool.stats.threads === 2 && witness.stats.threads === 2, 20_000, 'a second thread each');
    await bursts;
    await waitFor(() => witness.stats.threads === 1, 20_000, "the witness's idle thread to retire");
    assert.equal(pool.stats.threads, 2, 'no thread of the pool retired');
  });

  test("maxThreads 'auto' divides the available cores by HIVE_CLUSTER_SIZE, at least 1", async () => {
    const { autoThreadCount } = await import('hive/pool');
    assert.equal(autoThreadCount({}, 8), 8);
    assert.equal(autoThreadCount({ HIVE_CLUSTER_SIZE: '4' }, 8), 2);
    assert.equal(autoThreadCount({ HIVE_CLUSTER_SIZE: '3' }, 8), 2);
    assert.equal(autoThreadCount({ HIVE_CLUSTER_SIZE: '16' }, 8), 1);
    assert.equal(
      autoThreadCount({ HIVE_CLUSTER_SIZE: '' }, 8),
      8,
      'empty is unset (a bad value throws: sizing-env.test.ts)',
    );
    assert.equal(
      autoThreadCount({ HIVE_CLUSTER_SIZE: '4', HIVE_POOL_THREADS: '3' }, 8),
      3,
      'an explicit threads setting wins',
    );
    const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0 });
    assert.equal(pool.options.maxThreads, autoThreadCount());
    await pool.close();
  });
});

describe('bad input is refused at the call, naming what is wrong', () => {
  const cases: [string, object, RegExp][] = [
    ['missing file', { filename: '/nonexistent/task.mjs' }, /does not exist: \/nonexistent\/task\.mjs/],
    ['no filename', {}, /`filename` option/],
    ['maxThreads 0', { maxThreads: 0 }, /`maxThreads` option to be an integer >= 1, got 0 \(number\)/],
    ['minThreads > maxThreads', { minThreads: 3, maxThreads: 2 }, /`minThreads` option \(3\) to be at most/],
    ['maxQueue text', { maxQueue: 'lots' }, /`maxQueue` option .* got "lots" \(string\)/],
    ['timeout negative', { timeout: -1 }, /`timeout` option/],
    ['isolation', { isolation: 'fiber' }, /`isolation` option to be 'thread' or 'process'/],
    ['unknown key', { maxThread: 2 }, /Unknown pool option `maxThread`/],
  ];
  for (const [what, options, message] of cases) {
    test(`new Pool: ${what}`, () => {
      const filled =
        'filename' in options || what === 'no filename' ? options : { filename: fixture('tasks.mjs'), ...options };
      assert.throws(
        () => new Pool(filled as never),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'ERR_HIVE_INVALID_ARGUMENT');
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  test('worker options that worker_threads refuses are an error at the door, naming the cause', () => {
    assert.throws(
      () => new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1, execArgv: ['--no-such-flag'] }),
      (error: Error & { code?: string; cause?: { code?: string } }) => {
        assert.equal(error.code, 'ERR_HIVE_INVALID_ARGUMENT');
        assert.match(error.message, /worker_threads refused the pool's worker options/);
        assert.equal(error.cause?.code, 'ERR_WORKER_INVALID_EXEC_ARGV');
        return true;
      },
    );
  });

  test('run options and export names', async () => {
    await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1 });
    await assert.rejects(pool.run(1, { timeout: -5 }), { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /`timeout`/ });
    await assert.rejects(pool.run(1, { signal: {} as AbortSignal }), {
      message: /`signal` option to be an AbortSignal/,
    });
    await assert.rejects(pool.run(1, { name: 42 as never }), { message: /`name` option/ });
    // Before and after the first thread reported the module's exports.
    await assert.rejects(pool.run(1, { name: 'nope' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_HIVE_TASK_NOT_FOUND');
      assert.match(error.message, /no function export named "nope".*whoami/);
      return true;
    });
    await assert.rejects(pool.run(1, { name: 'nope' }), { code: 'ERR_HIVE_TASK_NOT_FOUND' });
    assert.equal(await pool.run(1), 1);
  });
});
