// A result or progress value nested deeper than the pool's thread can deserialize (a 3,000-node linked list: the
// worker's 4 MB stack serializes it, the main thread's cannot read it back) was dropped by Node without a word, and
// since results map to tasks by order, every later result of that thread went to the task before it: task 4 got task
// 5's result, and so on, the last task never settled and close() hung. Likewise an input the thread could not read
// (a 1 MB worker stack) was dropped, shifting the thread's tasks the same way. Now the task whose message was lost
// rejects with ERR_HIVE_DATA_CLONE, and every other task gets its own result.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/deep-values.mjs', import.meta.url);
const HANG_MS = 15_000;

/** As deep as the fixture's values (fixtures/deep-values.mjs). */
function chain(depth: number): unknown {
  let list: unknown = null;
  for (let i = 0; i < depth; i++) list = { i, next: list };
  return list;
}
const DEPTH = 3000;

/** What each task settled with: its value, or the code and message of its rejection. */
function outcomes(settled: PromiseSettledResult<unknown>[]): unknown[] {
  return settled.map((outcome) => {
    if (outcome.status === 'fulfilled') return outcome.value;
    const error = outcome.reason as Error & { code?: string };
    return `${error.code}: ${error.message}`;
  });
}

function expected(n: number, lost: number, what: RegExp): (value: unknown, id: number) => void {
  return (value, id) => {
    if (id === lost) assert.match(String(value), what, `task ${id}`);
    else assert.equal(value, `result of task ${id}`, `task ${id} gets its own result`);
    assert.ok(id < n);
  };
}

const lostResult =
  /^ERR_HIVE_DATA_CLONE: The task's result cannot be cloned to another thread: the pool's thread could not deserialize it/;
const lostProgress =
  /^ERR_HIVE_DATA_CLONE: The task's progress value cannot be cloned to another thread: the pool's thread could not deserialize it/;
const lostInput =
  /^ERR_HIVE_DATA_CLONE: The task's input cannot be cloned to another thread: the thread could not deserialize it/;

describe('a message the other side cannot deserialize (isolation: thread)', () => {
  for (const maxThreads of [undefined, 1]) {
    test(`a result: that task rejects, the others get their own (maxThreads: ${maxThreads ?? 'default'})`, async () => {
      const pool = new Pool({ filename, maxThreads });
      const settled = await within(
        Promise.allSettled(Array.from({ length: 12 }, (_, id) => pool.run(id))),
        HANG_MS,
        'the 12 tasks',
      );
      const values = outcomes(settled);
      values.forEach(expected(12, 3, lostResult));
      assert.equal(pool.stats.completed, 11);
      assert.equal(pool.stats.failed, 1);
      await within(pool.close(), HANG_MS, 'close()');
    });
  }

  test('a result with nothing after it: the task rejects rather than waits', async () => {
    const pool = new Pool({ filename, maxThreads: 1 });
    const [value] = outcomes(await within(Promise.allSettled([pool.run(3)]), HANG_MS, 'the task'));
    assert.match(String(value), lostResult);
    assert.equal(await pool.run(4), 'result of task 4', 'the thread serves on');
    await within(pool.close(), HANG_MS, 'close()');
  });

  test('a progress value: that task rejects when it ends, the others get their own results and progress', async () => {
    const pool = new Pool({ filename, maxThreads: 1 });
    const progress: unknown[][] = Array.from({ length: 6 }, () => []);
    const settled = await within(
      Promise.allSettled(
        Array.from({ length: 6 }, (_, id) =>
          pool.run(id, { name: 'progress', onProgress: (value) => progress[id]!.push(value) }),
        ),
      ),
      HANG_MS,
      'the 6 tasks',
    );
    outcomes(settled).forEach(expected(6, 3, lostProgress));
    assert.deepEqual(
      progress,
      Array.from({ length: 6 }, (_, id) => (id === 3 ? [] : [`progress of task ${id}`])),
    );
    // Alone, with no message after it: the result that follows tells it was a progress value.
    const [alone] = outcomes(await within(Promise.allSettled([pool.run(3, { name: 'progress' })]), HANG_MS, 'alone'));
    assert.match(String(alone), lostProgress);
    await within(pool.close(), HANG_MS, 'close()');
  });

  test('an input the thread cannot deserialize (stackSizeMb: 1): that task rejects, the others run', async () => {
    const pool = new Pool({ filename, maxThreads: 1, resourceLimits: { stackSizeMb: 1 } });
    const errors: Error[] = [];
    pool.on('error', (error) => errors.push(error));
    assert.equal(await pool.run({ tag: 'warm' }, { name: 'echo' }), 'warm');
    const deep = chain(DEPTH);
    // The deep input first, alone; then one batch holding it among others, which must not fail with it.
    const first = pool.run(deep, { name: 'echo' });
    const batch = ['A', 'B', 'C'].map((tag) => pool.run({ tag }, { name: 'echo' }));
    const mixed = [
      pool.run({ tag: 'D' }, { name: 'echo' }),
      pool.run(deep, { name: 'echo' }),
      pool.run({ tag: 'E' }, { name: 'echo' }),
    ];
    const values = outcomes(await within(Promise.allSettled([first, ...batch, ...mixed]), HANG_MS, 'the tasks'));
    assert.match(String(values[0]), lostInput);
    assert.deepEqual(values.slice(1, 5), ['A', 'B', 'C', 'D']);
    assert.match(String(values[5]), lostInput);
    assert.equal(values[6], 'E');
    assert.equal(await pool.run({ tag: 'after' }, { name: 'echo' }), 'after');
    assert.equal(pool.stats.threads, 1, 'the same thread serves on: no crash, no replacement');
    assert.deepEqual(errors, []);
    await within(pool.close(), HANG_MS, 'close()');
  });
});
