// `drain` says nothing is queued or running: pool.stats read in its listener must agree. After a running task was
// stopped (abort, timeout), it used to be settled while still counted on its thread: stats.busy said 1 at drain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

for (const stop of ['abort', 'timeout'] as const) {
  test(`stats at drain after a running task was stopped by its ${stop}: nothing busy or queued`, async () => {
    await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const counter = counters(1);
    const seen: { busy: number; queued: number }[] = [];
    pool.on('drain', () => {
      const { busy, queued } = pool.stats;
      seen.push({ busy, queued });
    });
    const controller = new AbortController();
    const options = stop === 'abort' ? { name: 'hold', signal: controller.signal } : { name: 'hold', timeout: 100 };
    const running = pool.run({ gate, counter, index: 0 }, options);
    const code = stop === 'abort' ? 'ERR_HIVE_TASK_ABORTED' : 'ERR_HIVE_TASK_TIMEOUT';
    const rejected = assert.rejects(running, { code });
    if (stop === 'abort') {
      // It started (the task counts itself before it blocks): aborting it now terminates its thread. (A timeout
      // terminates the thread whether or not the task started.)
      await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the task to start');
      controller.abort();
    }
    await within(rejected, 20_000, 'the stopped task');
    assert.deepEqual(seen, [{ busy: 0, queued: 0 }]);
  });
}
