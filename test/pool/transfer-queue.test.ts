// A task sent with `transfer` gives its buffers to the thread it is posted to: it can never be taken back and run on
// another. Stopping a thread for another task's abort or timeout must not take such a task down with it when it had
// not started: it is posted only to a thread with nothing else to run first. (Reported against piscina 5, where all
// of these run.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool, type PoolOptions } from 'hive/pool';
import { fixture, waitFor, within } from './helpers.js';

const buffers = (n: number) => Array.from({ length: n }, (_, i) => new Uint8Array(1024).fill(i + 1).buffer);

function gated() {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const open = () => {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
  };
  return { gate, counter, open };
}

/** Runs `stopped` (gated, stopped by abort or timeout), then transfer and plain tasks behind it; all but it succeed. */
async function stopWithTransfersBehind(options: Partial<PoolOptions>, how: 'abort' | 'timeout', busy = 0) {
  const pool = new Pool({ filename: fixture('transfer-queue.mjs'), minThreads: 1, maxThreads: 1, ...options });
  const { gate, counter, open } = gated();
  try {
    assert.equal(await pool.run('warm'), 'warm');
    const controller = new AbortController();
    const stopOptions = how === 'abort' ? { signal: controller.signal } : { timeout: 200 };
    const stopped = pool.run({ gate, counter }, { name: 'hold', ...stopOptions });
    // Other threads held busy by tasks nothing stops, so the ones below wait for a thread too.
    const others = Array.from({ length: busy }, () => pool.run({ gate, counter: new Int32Array(1) }, { name: 'hold' }));
    const inputs = buffers(5);
    const transfers = inputs.map((buffer) => pool.run(buffer, { name: 'sum', transfer: [buffer] }));
    const plain = [pool.run('a'), pool.run('b')];
    await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the task to be stopped to start');
    if (how === 'abort') controller.abort();
    await assert.rejects(stopped, { code: how === 'abort' ? 'ERR_HIVE_TASK_ABORTED' : 'ERR_HIVE_TASK_TIMEOUT' });
    open();
    const settled = await within(Promise.allSettled([...transfers, ...plain, ...others]), 60_000, 'the other tasks');
    const failures = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []));
    assert.deepEqual(failures, [], 'no task but the stopped one failed');
    const values = settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
    assert.deepEqual(values.slice(0, 7), [1024, 2048, 3072, 4096, 5120, 'a', 'b'], 'each ran on its own input');
    assert.ok(
      inputs.every((buffer) => buffer.byteLength === 0),
      'the inputs were transferred',
    );
  } finally {
    open();
    await pool.destroy();
  }
}

test('aborting a running task does not fail the transfer tasks submitted behind it (1 thread)', async () => {
  await stopWithTransfersBehind({}, 'abort');
});

test('a running task timing out does not fail the transfer tasks submitted behind it (1 thread)', async () => {
  await stopWithTransfersBehind({}, 'timeout');
});

test('aborting a running task does not fail the transfer tasks submitted behind it (2 threads, both busy)', async () => {
  await stopWithTransfersBehind({ minThreads: 2, maxThreads: 2 }, 'abort', 1);
});

test('aborting a running task under isolation: process does not fail the transfer tasks behind it', async () => {
  // A child process holds one task at a time, so the others wait in the pool's queue (no SharedArrayBuffer here).
  const pool = new Pool({
    filename: fixture('transfer-queue.mjs'),
    minThreads: 1,
    maxThreads: 1,
    isolation: 'process',
  });
  try {
    assert.equal(await pool.run('warm'), 'warm');
    const controller = new AbortController();
    const stopped = pool.run(60_000, { name: 'sleep', signal: controller.signal });
    const inputs = buffers(3);
    const transfers = inputs.map((buffer) => pool.run(buffer, { name: 'sum', transfer: [buffer] }));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await assert.rejects(stopped, { code: 'ERR_HIVE_TASK_ABORTED' });
    assert.deepEqual(await within(Promise.all(transfers), 60_000, 'the transfer tasks'), [1024, 2048, 3072]);
  } finally {
    await pool.destroy();
  }
});

test('a thread that crashes before starting a transfer task rejects it, saying its input was in that thread', async () => {
  const pool = new Pool({ filename: fixture('transfer-queue.mjs'), minThreads: 1, maxThreads: 1 });
  const { gate, counter, open } = gated();
  try {
    assert.equal(await pool.run({ gate, counter }, { name: 'answerThenCrash' }), 'answered');
    await waitFor(() => Atomics.load(counter, 0) === 1, 20_000, 'the thread to block its event loop');
    // Both reach the blocked thread: the transfer task at once (the thread holds nothing), the plain one behind it.
    const [input] = buffers(1);
    const moved = pool.run(input, { name: 'sum', transfer: [input!] });
    const plain = pool.run('after').then(String, (error: { code?: string }) => error.code);
    await new Promise((resolve) => setImmediate(resolve));
    open();
    await assert.rejects(moved, (error: Error & { code?: string; cause?: Error }) => {
      assert.equal(error.code, 'ERR_HIVE_THREAD_EXITED');
      assert.match(error.message, /had not started; its transferred input was in the stopped thread/);
      assert.match(error.message, /crashed after answering/);
      assert.equal(error.cause?.message, 'crashed after answering');
      return true;
    });
    assert.equal(await within(plain, 20_000, 'the plain task'), 'after', 'a plain task that had not started runs on');
  } finally {
    open();
    await pool.destroy();
  }
});
