// Many tasks sharing one AbortSignal (a request's signal passed to its subtasks, one controller to cancel a batch)
// used to add one 'abort' listener each: from the 11th task queued, Node warned of a memory leak
// (MaxListenersExceededWarning) that was not one. One listener per signal now serves all its tasks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, within } from './helpers.js';

test('50 queued tasks sharing a signal: no leak warning, and one abort rejects those not started', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  try {
    const counter = counters(50);
    const controller = new AbortController();
    const held = pool.run({ gate, value: 'held' }, { name: 'hold' });
    // A failing assertion below destroys the pool under it: that rejection is not the news.
    held.catch(() => {});
    const tasks = Array.from({ length: 50 }, (_, index) => pool.run({ counter, index }, { signal: controller.signal }));
    const settling = Promise.allSettled(tasks);
    // A warning is emitted on the next tick: one more turn lets it arrive.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((w) => w.message),
      [],
    );
    controller.abort();
    const settled = await within(settling, 20_000, 'the aborted tasks');
    assert.ok(settled.every((outcome) => outcome.status === 'rejected'));
    assert.ok(settled.every((outcome) => (outcome as PromiseRejectedResult).reason.code === 'ERR_HIVE_TASK_ABORTED'));
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    assert.equal(await within(held, 20_000, 'the held task'), 'held');
    assert.deepEqual([...counter], new Array(50).fill(0), 'no aborted task ran');
    // A signal reused for 50 tasks in a row: each takes its share of the listener with it when it settles.
    const reused = new AbortController();
    for (let i = 0; i < 50; i++) assert.equal(await pool.run(i, { signal: reused.signal }), i);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      warnings.map((warning) => warning.name),
      [],
    );
  } finally {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    process.off('warning', onWarning);
    await pool.destroy();
  }
});
