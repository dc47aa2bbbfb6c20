import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor } from './helpers.js';

const isCode = (code: string) => (error: { code?: string }) => {
  assert.equal(error.code, code);
  return true;
};

describe('abort', () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  after(() => pool.destroy());

  test('an already-aborted signal rejects at the call', async () => {
    const signal = AbortSignal.abort(new Error('gone'));
    await assert.rejects(pool.run(1, { signal }), (error: Error) => {
      assert.equal(error.name, 'AbortError');
      assert.equal((error as { code?: string }).code, 'ERR_HIVE_TASK_ABORTED');
      assert.equal((error.cause as Error).message, 'gone');
      return true;
    });
  });

  test('a queued task leaves the queue and never runs; the others do', async () => {
    const counter = counters(3);
    const first = pool.run({ counter, index: 0, ms: 200 }, { name: 'busy' });
    const controller = new AbortController();
    const second = pool.run({ counter, index: 1, ms: 1 }, { name: 'busy', signal: controller.signal });
    const third = pool.run({ counter, index: 2, ms: 1 }, { name: 'busy' });
    controller.abort();
    await assert.rejects(second, isCode('ERR_HIVE_TASK_ABORTED'));
    assert.equal(await first, 200);
    assert.equal(await third, 1);
    assert.deepEqual([...counter], [1, 0, 1]);
  });

  test('a running task is stopped: its thread is replaced, and no other task is lost or run twice', async () => {
    const counter = counters(4);
    const controller = new AbortController();
    const running = pool.run({ counter, index: 0, ms: 60_000 }, { name: 'busy', signal: controller.signal });
    const waiting = [1, 2, 3].map((index) => pool.run({ counter, index, value: index }));
    await waitFor(() => counter[0] === 1, 20_000, 'the long task to start');
    controller.abort();
    await assert.rejects(running, isCode('ERR_HIVE_TASK_ABORTED'));
    assert.deepEqual(await Promise.all(waiting), [1, 2, 3]);
    assert.deepEqual([...counter], [1, 1, 1, 1]);
    assert.equal(pool.stats.threads, 1);
  });
});

describe('timeout', () => {
  test('counts from the start of the task, rejects with ERR_HIVE_TASK_TIMEOUT and replaces the thread', async () => {
    await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
    const counter = counters(3);
    // Queued behind a 300 ms task, a 200 ms timeout must not fire while waiting.
    const first = pool.run({ counter, index: 0, ms: 300 }, { name: 'busy' });
    const patient = pool.run({ counter, index: 1, ms: 10 }, { name: 'busy', timeout: 200 });
    const stuck = pool.run({ counter, index: 2, ms: 60_000 }, { name: 'busy', timeout: 100 });
    assert.equal(await first, 300);
    assert.equal(await patient, 10);
    await assert.rejects(stuck, isCode('ERR_HIVE_TASK_TIMEOUT'));
    const { threadId } = (await pool.run({}, { name: 'whoami' })) as { threadId: number };
    assert.ok(threadId > 0);
    assert.deepEqual([...counter], [1, 1, 1]);
  });

  test('the pool-wide default applies, and a task can override it', async () => {
    await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1, timeout: 50 });
    await assert.rejects(pool.run({ ms: 60_000 }, { name: 'busy' }), isCode('ERR_HIVE_TASK_TIMEOUT'));
    assert.equal(await pool.run({ ms: 100 }, { name: 'busy', timeout: 0 }), 100);
  });
});

describe('abort storm in batches', () => {
  test('with random aborts among thousands of batched tasks, each task runs at most once and settles once', async () => {
    await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 2, maxQueue: 100_000 });
    const n = 4000;
    const counter = counters(n);
    const controllers = Array.from({ length: n }, () => new AbortController());
    const outcomes = Array.from({ length: n }, (_, index) =>
      pool.run({ counter, index, value: index }, { signal: controllers[index]!.signal }).then(
        (value) => ({ ok: true as const, value }),
        (error: { code?: string }) => ({ ok: false as const, code: error.code }),
      ),
    );
    for (let i = 0; i < n; i += 7) controllers[i]!.abort();
    setImmediate(() => {
      for (let i = 3; i < n; i += 11) controllers[i]!.abort();
    });
    const settled = await Promise.all(outcomes);
    for (let i = 0; i < n; i++) {
      const outcome = settled[i]!;
      if (outcome.ok) {
        assert.equal(outcome.value, i);
        assert.equal(counter[i], 1, `task ${i} resolved and ran once`);
      } else {
        assert.equal(outcome.code, 'ERR_HIVE_TASK_ABORTED');
        assert.ok(counter[i]! <= 1, `task ${i} ran at most once`);
      }
    }
    assert.ok(settled.some((o) => !o.ok));
    assert.equal(pool.stats.queued, 0);
  });
});
