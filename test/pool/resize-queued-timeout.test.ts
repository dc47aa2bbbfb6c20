// A task that a shrink (resize() down) takes back from its thread before it started has not started: its `timeout`
// counts from its start on the thread that runs it, as docs/pool.md says of every task. It used to keep the timer armed
// when it reached the head of the first thread's list, and could time out waiting in the queue for another thread.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Pool, type TaskTiming } from 'hive/pool';
import { waitFor, within } from './helpers.js';

const filename = new URL('./fixtures/busy-after-ready.mjs', import.meta.url);

test('a task a shrink took back before it started gets its whole timeout on the thread that runs it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-resize-timeout-'));
  const pool = new Pool({ filename, minThreads: 0, maxThreads: 2, env: { ...process.env, HIVE_TEST_DIR: dir } });
  try {
    // Two threads, each busy outside any task once its hold() answered: what they are sent stays unstarted.
    const holders = await within(
      Promise.all([pool.run<number>(null, { name: 'hold' }), pool.run<number>(null, { name: 'hold' })]),
      20_000,
      'the holds',
    );
    assert.equal(new Set(holders).size, 2, 'one hold on each thread');
    await waitFor(
      () => readdirSync(dir).filter((name) => name.startsWith('busy-')).length === 2,
      20_000,
      'busy threads',
    );
    // One task each, at the head of its thread's list, with the same timeout armed in the same turn.
    const ranOn = new Map<string, number>();
    const run = (input: string) =>
      pool
        .run<string>(input, { timeout: 2_000, onTiming: (timing: TaskTiming) => ranOn.set(input, timing.worker) })
        .then(
          (value) => ({ input, value, error: undefined }),
          (error: Error & { code?: string }) => ({ input, value: undefined, error }),
        );
    const outcomes = Promise.all([run('a'), run('b')]);
    assert.equal(pool.stats.busy, 2, 'each thread holds one task');
    // Synchronously, before any timeout can expire: one thread gives its unstarted task back and retires. The other
    // stays busy until its own task's timeout stops it; its replacement then runs the task given back, which must not
    // have been timing out meanwhile.
    pool.resize(1);
    const [a, b] = await within(outcomes, 30_000, 'the two tasks');
    const timedOut = [a, b].filter((outcome) => outcome.error !== undefined);
    const done = [a, b].filter((outcome) => outcome.error === undefined);
    assert.equal(
      timedOut.length,
      1,
      `only the task whose thread stayed busy timed out, got: ${timedOut.map((o) => o.error?.message).join(' | ')}`,
    );
    assert.equal(timedOut[0]!.error!.code, 'ERR_HIVE_TASK_TIMEOUT');
    assert.match(timedOut[0]!.error!.message, /was replaced/, 'it timed out running, and its thread was stopped');
    assert.equal(done[0]!.value, done[0]!.input, 'the task given back ran');
    assert.ok(!holders.includes(ranOn.get(done[0]!.input)!), 'on a new thread, not a busy one');
    const stats = pool.stats;
    assert.equal(stats.completed, 3, 'the two holds and the task given back');
    assert.equal(stats.failed, 1, 'the task that timed out');
    assert.equal(stats.threads, 1, 'the pool kept its new size');
  } finally {
    await pool.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
