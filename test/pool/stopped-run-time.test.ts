// A task stopped while running (timeout, abort, its thread's death) used to count only as a failure: its run time was
// left out of stats.runTime, utilization and onTiming, so a pool busy with tasks that time out read as idle (and the
// runtime's hive_pool_busy_seconds_total and Server-Timing's pool-run with it). Tasks that never started still count
// only as failures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool, type TaskTiming } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

const gate = () => new Int32Array(new SharedArrayBuffer(4));

test('tasks that time out while running count their run time, in stats and onTiming', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  const timings: TaskTiming[] = [];
  const g = gate();
  const runs = Array.from({ length: 3 }, () =>
    pool.run({ gate: g }, { name: 'hold', timeout: 100, onTiming: (timing) => timings.push(timing) }),
  );
  const settled = await within(Promise.allSettled(runs), 60_000, 'the timed-out tasks');
  assert.deepEqual(
    settled.map((s) => s.status === 'rejected' && (s.reason as { code?: string }).code),
    new Array(3).fill('ERR_HIVE_TASK_TIMEOUT'),
  );
  const { failed, completed, runTime, waitTime, utilization } = pool.stats;
  assert.equal(failed, 3);
  assert.equal(completed, 0);
  assert.equal(runTime.count, 3, 'each stopped task counts in runTime');
  assert.equal(waitTime.count, 3);
  assert.ok(runTime.sum > 0, `runTime.sum ${runTime.sum}`);
  assert.ok(utilization > 0, `utilization ${utilization}`);
  assert.equal(timings.length, 3, 'onTiming is called for each stopped task');
  assert.ok(timings.every((t) => t.runMs > 0 && t.waitMs >= 0 && t.worker > 0));
});

test('an abort counts the run time of a running task, not of one still queued', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  const counter = counters(2);
  const g = gate();
  const timings: TaskTiming[] = [];
  const onTiming = (timing: TaskTiming) => timings.push(timing);
  const first = new AbortController();
  const second = new AbortController();
  const running = pool.run({ gate: g, counter, index: 0 }, { name: 'hold', signal: first.signal, onTiming });
  const queued = pool.run({ gate: g, counter, index: 1 }, { name: 'hold', signal: second.signal, onTiming });
  await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the first task to start');
  second.abort();
  await assert.rejects(queued, { code: 'ERR_HIVE_TASK_ABORTED' });
  assert.equal(pool.stats.failed, 1);
  assert.equal(pool.stats.runTime.count, 0, 'a task that never ran has no run time');
  first.abort();
  await assert.rejects(running, { code: 'ERR_HIVE_TASK_ABORTED' });
  assert.equal(pool.stats.failed, 2);
  assert.equal(pool.stats.runTime.count, 1);
  assert.ok(pool.stats.runTime.sum > 0);
  assert.equal(timings.length, 1);
  assert.deepEqual([...counter], [1, 0]);
});

test('a task whose thread dies under it counts its run time', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  const timings: TaskTiming[] = [];
  await assert.rejects(pool.run({ code: 3 }, { name: 'exit', onTiming: (t) => timings.push(t) }), {
    code: 'ERR_HIVE_THREAD_EXITED',
  });
  assert.equal(pool.stats.failed, 1);
  assert.equal(pool.stats.runTime.count, 1);
  assert.equal(timings.length, 1);
});
