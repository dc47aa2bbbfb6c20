// A running task stopped (aborted, timed out) or lost with its thread (a crash) settles through the caller's
// onTiming, and an abort may run onProgress callbacks as the thread's last messages are read. The tasks sent to that
// thread and not started were put back in the queue only after those callbacks: one that called destroy() (or
// close({ force: true })) left them in the queue of a stopped pool, never settled. They now reject with
// ERR_HIVE_POOL_CLOSED, and none of them ran.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

const BEHIND = 3;

async function stopWhileRunning(
  how: 'abort' | 'timeout' | 'crash',
  stop: (pool: Pool) => Promise<void>,
): Promise<{ first: PromiseSettledResult<unknown>; behind: PromiseSettledResult<unknown>[]; runs: number[] }> {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  assert.equal(await pool.run(0), 0, 'the thread is ready and idle');
  const counter = counters(BEHIND + 1);
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const controller = new AbortController();
  let stopped: Promise<void> | undefined;
  const onTiming = () => {
    stopped = stop(pool);
  };
  const first =
    how === 'crash'
      ? pool.run({ counter, index: 0, code: 3 }, { name: 'exit', onTiming })
      : pool.run(
          { gate, counter, index: 0 },
          { name: 'hold', onTiming, signal: controller.signal, timeout: how === 'timeout' ? 200 : 0 },
        );
  // Sent to the same thread in one batch behind it (a fresh pool batches tiny tasks), not started.
  const behind = Array.from({ length: BEHIND }, (_, i) => pool.run({ counter, index: i + 1, value: i + 1 }));
  if (how === 'abort') {
    await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the first task to start');
    controller.abort();
  }
  const [firstOutcome, ...behindOutcomes] = await within(
    Promise.allSettled([first, ...behind]),
    30_000,
    'the tasks sent behind the stopped one',
  );
  assert.ok(stopped !== undefined, 'onTiming ran');
  await within(stopped, 30_000, 'the pool stopping');
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  return { first: firstOutcome!, behind: behindOutcomes, runs: [...counter] };
}

for (const how of ['abort', 'timeout', 'crash'] as const) {
  const code = { abort: 'ERR_HIVE_TASK_ABORTED', timeout: 'ERR_HIVE_TASK_TIMEOUT', crash: 'ERR_HIVE_THREAD_EXITED' }[
    how
  ];

  test(`destroy() from onTiming of a task stopped by ${how}: the tasks behind it reject, none runs`, async () => {
    const { first, behind, runs } = await stopWhileRunning(how, (pool) => pool.destroy());
    assert.equal(first.status, 'rejected');
    assert.equal((first as PromiseRejectedResult).reason.code, code);
    for (const outcome of behind) {
      assert.equal(outcome.status, 'rejected');
      assert.equal((outcome as PromiseRejectedResult).reason.code, 'ERR_HIVE_POOL_CLOSED');
    }
    assert.deepEqual(runs.slice(1), new Array(BEHIND).fill(0), 'none of the tasks behind it ran');
  });

  test(`close({ force: true }) from onTiming of a task stopped by ${how}: the tasks behind it reject unrun`, async () => {
    const { first, behind, runs } = await stopWhileRunning(how, (pool) => pool.close({ force: true }));
    assert.equal((first as PromiseRejectedResult).reason.code, code);
    for (const outcome of behind) {
      assert.equal(outcome.status, 'rejected');
      assert.equal((outcome as PromiseRejectedResult).reason.code, 'ERR_HIVE_POOL_CLOSED');
    }
    assert.deepEqual(runs.slice(1), new Array(BEHIND).fill(0), 'none of the tasks behind it ran');
  });
}
