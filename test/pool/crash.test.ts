import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture } from './helpers.js';

const isCode = (code: string) => (error: { code?: string }) => {
  assert.equal(error.code, code);
  return true;
};

describe('a thread that dies', () => {
  const pool = new Pool({
    filename: fixture('tasks.mjs'),
    minThreads: 2,
    maxThreads: 2,
    maxQueue: 10_000,
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
  });
  after(() => pool.destroy());

  for (const [name, code, hiveCode] of [
    ['exit', /exit code 3/, 'ERR_HIVE_THREAD_EXITED'],
    ['throwLater', /thrown outside the task/, 'ERR_HIVE_THREAD_EXITED'],
    ['oom', /ERR_WORKER_OUT_OF_MEMORY|memory/i, 'ERR_HIVE_WORKER_OUT_OF_MEMORY'],
  ] as const) {
    test(`${name}: rejects only its own task with ${hiveCode}; the pool recovers`, async () => {
      const crash = pool.run({}, { name });
      await assert.rejects(crash, (error: Error & { code?: string }) => {
        assert.equal(error.code, hiveCode);
        assert.match(`${error.message} ${(error.cause as Error | undefined)?.message ?? ''}`, code);
        return true;
      });
      assert.equal(await pool.run('after'), 'after');
    });
  }

  test('dying mid-batch: finished tasks keep their results, unstarted ones rerun elsewhere, none runs twice', async () => {
    const n = 3000;
    const counter = counters(n + 1);
    const crashAt = 1500;
    const runs = Array.from({ length: n }, (_, index) =>
      index === crashAt
        ? pool.run({ counter, index, code: 9 }, { name: 'exit' })
        : pool.run({ counter, index, value: index }),
    );
    const settled = await Promise.allSettled(runs);
    for (let i = 0; i < n; i++) {
      const outcome = settled[i]!;
      if (i === crashAt) {
        assert.equal(outcome.status, 'rejected');
        assert.equal((outcome as PromiseRejectedResult).reason.code, 'ERR_HIVE_THREAD_EXITED');
      } else {
        assert.equal(outcome.status, 'fulfilled', `task ${i} was not lost`);
        assert.equal((outcome as PromiseFulfilledResult<unknown>).value, i);
      }
      assert.equal(counter[i], 1, `task ${i} ran exactly once`);
    }
    assert.equal(pool.stats.threads, 2);
  });
});

describe('a task module that fails to load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-pool-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('rejects waiting tasks with ERR_HIVE_TASK_MODULE, and a fixed module works on the next run', async () => {
    const file = join(dir, 'flaky.mjs');
    writeFileSync(file, "throw new Error('not today');\n");
    await using pool = new Pool({ filename: file, minThreads: 0, maxThreads: 2 });
    const errors: Error[] = [];
    pool.on('error', (error) => errors.push(error));
    const results = await Promise.allSettled([pool.run(1), pool.run(2), pool.run(3)]);
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      const reason = (result as PromiseRejectedResult).reason;
      assert.equal(reason.code, 'ERR_HIVE_TASK_MODULE');
      assert.match(reason.message, /not today/);
    }
    assert.ok(errors.length >= 1);
    writeFileSync(file, 'export default (n) => n + 1;\n');
    assert.equal(await pool.run(41), 42);
  });

  test('a thread that cannot even start fails the waiting tasks instead of respawning forever', async () => {
    const pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 2, execArgv: ['--input-type=module'] });
    let errors = 0;
    pool.on('error', () => errors++);
    await assert.rejects(pool.run(1), isCode('ERR_HIVE_THREAD_EXITED'));
    const settledErrors = errors;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(errors <= settledErrors + 1, 'no respawn loop while nothing waits');
    assert.equal(pool.stats.threads, 0);
    await assert.rejects(pool.run(2), isCode('ERR_HIVE_THREAD_EXITED'), 'the next run() tries again');
    await pool.destroy();
  });

  test('a syntax error is reported the same way', async () => {
    const file = join(dir, 'syntax.mjs');
    writeFileSync(file, 'export default (n) => {{ n + ;\n');
    await using pool = new Pool({ filename: file, maxThreads: 1 });
    await assert.rejects(pool.run(1), isCode('ERR_HIVE_TASK_MODULE'));
  });
});
