// Aborting the task at the head of a thread's list before the thread started it takes the same bookkeeping as its
// answer would have: the next task's timeout starts, and an emptied thread stops holding the process open.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

const yieldToFlush = () => new Promise((resolve) => setImmediate(resolve));

test('aborting an unstarted head task starts the timeout of the task behind it', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const open = () => {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
  };
  try {
    const counter = counters(3);
    // The thread blocks its event loop, so what is sent next waits there unstarted.
    await pool.run({ counter, index: 0, gate }, { name: 'holdLater' });
    await waitFor(() => counter[0] === 1, 20_000, 'the thread to block its event loop');
    const controller = new AbortController();
    const head = pool.run({ counter, index: 1, value: 'head' }, { signal: controller.signal });
    const next = pool.run({ counter, index: 2, ms: 60_000 }, { name: 'sleep', timeout: 100 });
    await yieldToFlush(); // both sent to the thread
    controller.abort();
    await assert.rejects(head, { code: 'ERR_HIVE_TASK_ABORTED' });
    open();
    const settled = next.then(String, (error: { code?: string }) => error.code);
    assert.equal(await within(settled, 20_000, 'the task behind the aborted one'), 'ERR_HIVE_TASK_TIMEOUT');
    assert.deepEqual([...counter], [1, 0, 1], 'the aborted task never ran; the next one ran once');
  } finally {
    open();
    await pool.destroy();
  }
});

test('aborting the only task of a thread before it started lets the process exit without close()', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [fixture('abort-unstarted-exits.mjs').pathname], {
    timeout: 30_000,
  });
  assert.equal(stdout.trim(), 'ERR_HIVE_TASK_ABORTED');
});
