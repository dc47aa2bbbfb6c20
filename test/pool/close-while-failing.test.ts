// close() waits for the queued tasks, so it must still start the workers they need: the pool may have none left
// (minThreads 0), or lose one (a crash, a timeout, an abort) while it closes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

const code = (promise: Promise<unknown>) => promise.then(String, (error: { code?: string }) => error.code);

describe('close() while the running task takes its thread down', () => {
  const cases = [
    { how: 'it exits the thread', expect: 'ERR_HIVE_THREAD_EXITED' },
    { how: 'it times out', expect: 'ERR_HIVE_TASK_TIMEOUT' },
    { how: 'it is aborted', expect: 'ERR_HIVE_TASK_ABORTED' },
  ] as const;
  for (const { how, expect } of cases) {
    test(`${how}: the tasks queued behind it run once on a new thread and close() resolves`, async () => {
      const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
      pool.on('error', () => {});
      try {
        const counter = counters(4);
        const controller = new AbortController();
        const head =
          expect === 'ERR_HIVE_THREAD_EXITED'
            ? pool.run({ counter, index: 0 }, { name: 'exit' })
            : expect === 'ERR_HIVE_TASK_TIMEOUT'
              ? pool.run({ counter, index: 0, ms: 60_000 }, { name: 'sleep', timeout: 100 })
              : pool.run({ counter, index: 0, ms: 60_000 }, { name: 'sleep', signal: controller.signal });
        const queued = [1, 2, 3].map((index) => pool.run({ counter, index, value: index }));
        const closed = pool.close();
        if (expect === 'ERR_HIVE_TASK_ABORTED') {
          await waitFor(() => counter[0] === 1, 20_000, 'the head task to start');
          controller.abort();
        }
        assert.equal(await within(code(head), 20_000, 'the head task'), expect);
        assert.deepEqual(await within(Promise.all(queued), 20_000, 'the queued tasks'), [1, 2, 3]);
        await within(closed, 20_000, 'close()');
        assert.deepEqual([...counter], [1, 1, 1, 1], 'every task ran once');
        assert.equal(pool.stats.threads, 0);
      } finally {
        await pool.destroy();
      }
    });
  }
});

test('with minThreads 0, run() then close() in the same tick runs the task and resolves', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 2 });
  try {
    const counter = counters(1);
    const task = pool.run({ counter, index: 0, value: 'ran' });
    const closed = pool.close();
    assert.equal(await within(task, 20_000, 'the task'), 'ran');
    await within(closed, 20_000, 'close()');
    assert.deepEqual([...counter], [1]);
    await assert.rejects(pool.run(1), { code: 'ERR_HIVE_POOL_CLOSED' });
  } finally {
    await pool.destroy();
  }
});
