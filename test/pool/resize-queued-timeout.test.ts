// A task that a shrink (resize() down) takes back from its thread before it started has not started: its `timeout`
// counts from its start on the thread that runs it, as docs/pool.md says of every task. It used to keep the timer armed
// when it reached the head of the first thread's list, and could time out waiting in the queue for another thread.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

// The one exception: a task resent after its worker died before starting it keeps the deadline it had (so a task that
// kills workers stays bounded), also when a shrink then takes it back from the thread it was resent to.
test('a task resent after its thread died keeps its deadline when a shrink takes it back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-resize-timeout-'));
  const pool = new Pool({
    filename,
    minThreads: 0,
    maxThreads: 1,
    env: { ...process.env, HIVE_TEST_DIR: dir, HIVE_TEST_HOLDERS: '1' },
  });
  const errors: Error[] = [];
  pool.on('error', (error) => errors.push(error));
  const busy = (id: number) => waitFor(() => readdirSync(dir).includes(`busy-${id}`), 20_000, `thread ${id} busy`);
  try {
    const first = await within(pool.run<number>(null, { name: 'hold' }), 20_000, 'the first hold');
    await busy(first);
    // At the head of the busy first thread: its timeout runs from now.
    const outcome = pool.run('a', { timeout: 8_000 }).then(
      (value) => value,
      (error: unknown) => error,
    );
    pool.resize(2);
    const second = await within(pool.run<number>(null, { name: 'hold' }), 20_000, 'the second hold');
    await busy(second);
    // The first thread dies before starting the task: put back, it goes to the second thread (the older of those
    // holding nothing once a third has started for it), where it waits unstarted again.
    writeFileSync(join(dir, `die-${first}`), '');
    await waitFor(() => errors.length === 1 && pool.stats.threads === 2, 20_000, 'the replacement thread');
    const third = await within(pool.run<number>(null, { name: 'hold' }), 20_000, 'the third hold');
    assert.notEqual(third, second, 'the third hold ran on the idle new thread');
    await busy(third);
    // One task on each busy thread: the shrink retires the older, the second, taking the task back unstarted.
    const other = pool.run('c');
    assert.equal(pool.stats.busy, 2, 'each busy thread holds one task');
    pool.resize(1);
    const error = (await within(outcome, 30_000, 'the task resent after the death')) as Error & { code?: string };
    assert.ok(error instanceof Error, `the task kept its deadline and timed out, got ${String(error)}`);
    assert.equal(error.code, 'ERR_HIVE_TASK_TIMEOUT');
    assert.match(error.message, /died before starting it/);
    writeFileSync(join(dir, 'go'), '');
    assert.equal(await within(other, 20_000, 'the task of the remaining thread'), 'c');
    assert.equal(pool.stats.threads, 1);
  } finally {
    await pool.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
