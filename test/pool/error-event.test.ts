// The `error` event reports a failure that no task carries. A thread that died while idle used to be reported only
// when no task was pending anywhere in the pool (so not while another thread worked), and a thread that died running
// a task was reported besides that task's rejection when it was the last task pending.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { waitFor, within } from './helpers.js';

const fixture = new URL('./fixtures/dies-when-told.mjs', import.meta.url);
const gate = () => new Int32Array(new SharedArrayBuffer(4));
const open = (g: Int32Array) => {
  Atomics.store(g, 0, 1);
  Atomics.notify(g, 0);
};

test('a thread that dies while idle emits error, even while another thread runs a task', async () => {
  const pool = new Pool({ filename: fixture, minThreads: 1, maxThreads: 2 });
  const holdGate = gate();
  const deathGate = gate();
  try {
    const errors: (Error & { code?: string })[] = [];
    pool.on('error', (error) => errors.push(error));
    const held = pool.run({ gate: holdGate }, { name: 'hold' });
    // A failing assertion below destroys the pool under it: that rejection is not the news.
    held.catch(() => {});
    // It waits behind the held task until a second thread, started for it, takes it: that thread then idles.
    assert.equal(await within(pool.run({ gate: deathGate }, { name: 'armDeath' }), 20_000, 'armDeath'), 'armed');
    assert.equal(pool.stats.threads, 2);
    assert.equal(pool.stats.busy, 1);
    open(deathGate);
    // No replacement starts (minThreads is 1): the pool is down to the thread that holds its task.
    await waitFor(() => pool.stats.threads === 1, 20_000, 'the idle thread to die');
    assert.deepEqual(
      errors.map((error) => error.code),
      ['ERR_HIVE_THREAD_EXITED'],
    );
    // It ran no task, and the message does not say it did.
    assert.match(errors[0]!.message, /^A pool worker \(running no task\) exited: /);
    open(holdGate);
    assert.equal(await within(held, 20_000, 'the held task'), 'held');
  } finally {
    open(holdGate);
    await pool.destroy();
  }
});

test('a thread that dies running a task rejects that task and emits no error: the task carries it', async () => {
  await using pool = new Pool({ filename: fixture, minThreads: 1, maxThreads: 1 });
  const errors: Error[] = [];
  pool.on('error', (error) => errors.push(error));
  await assert.rejects(pool.run(null, { name: 'exit' }), { code: 'ERR_HIVE_THREAD_EXITED' });
  assert.deepEqual(errors, []);
  assert.equal(await pool.run(1), 1);
  assert.deepEqual(errors, []);
});
