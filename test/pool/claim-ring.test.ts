// The claim ring (protocol.ts) has a slot per seq modulo its size. A task cancelled or stolen before it starts leaves
// the pool's books at once, but its thread reaches its seq only later: these tests burn many such seqs on a thread
// held by one long task, then check that no slot was shared by two tasks the thread could still reach.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

type Outcome = { ok: true; value: unknown } | { ok: false; code: string | undefined };

const outcome = (promise: Promise<unknown>): Promise<Outcome> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: { code?: string }) => ({ ok: false as const, code: error.code }),
  );

const yieldToFlush = () => new Promise((resolve) => setImmediate(resolve));

/** A gate the `hold` task blocks its thread on until {@link open}. */
function gate(): { gate: Int32Array; open(): void } {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  return {
    gate: shared,
    open() {
      Atomics.store(shared, 0, 1);
      Atomics.notify(shared, 0);
    },
  };
}

/** Tiny tasks one at a time: the measured run time drops, so the pool sends batches as large as it may. */
async function warmUp(pool: Pool): Promise<void> {
  for (let i = 0; i < 200; i++) assert.equal(await pool.run(i), i);
}

test('aborting hundreds of sent, unstarted tasks behind a long one neither kills it nor skips, repeats or swaps any task', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, maxQueue: 100_000 });
  const { gate: held, open } = gate();
  try {
    await warmUp(pool);
    const rounds = 16;
    const perRound = 100;
    const finals = 100;
    // index 0: the long task, 1: a task waiting behind it, then the aborted tasks, then the final ones.
    const counter = counters(2 + rounds * perRound + finals);
    const long = outcome(pool.run({ counter, index: 0, value: 'long', gate: held }, { name: 'hold' }));
    await waitFor(() => counter[0] === 1, 20_000, 'the long task to start');
    const waiting = outcome(pool.run({ counter, index: 1, value: 'waiting' }));
    await yieldToFlush();
    const aborted: Promise<Outcome>[] = [];
    for (let round = 0; round < rounds; round++) {
      const controllers: AbortController[] = [];
      for (let i = 0; i < perRound; i++) {
        const index = 2 + round * perRound + i;
        const controller = new AbortController();
        controllers.push(controller);
        aborted.push(outcome(pool.run({ counter, index, value: index }, { signal: controller.signal })));
      }
      await yieldToFlush(); // sent to the thread (as many as it may hold), which cannot start them
      for (const controller of controllers) controller.abort();
    }
    const last: Promise<Outcome>[] = [];
    for (let i = 0; i < finals; i++) {
      const index = 2 + rounds * perRound + i;
      last.push(outcome(pool.run({ counter, index, value: index })));
    }
    await yieldToFlush();
    open();
    const [longOutcome, waitingOutcome, abortedOutcomes, lastOutcomes] = await within(
      Promise.all([long, waiting, Promise.all(aborted), Promise.all(last)]),
      20_000,
      'the tasks',
    );
    assert.deepEqual(longOutcome, { ok: true, value: 'long' }, 'the running task was not stopped');
    assert.deepEqual(waitingOutcome, { ok: true, value: 'waiting' }, 'the task behind it got its own result');
    for (const [i, result] of abortedOutcomes.entries()) {
      assert.deepEqual(result, { ok: false, code: 'ERR_HIVE_TASK_ABORTED' }, `aborted task ${i}`);
    }
    for (const [i, result] of lastOutcomes.entries()) {
      assert.deepEqual(result, { ok: true, value: 2 + rounds * perRound + i }, `final task ${i} got its own result`);
    }
    const runs = [...counter];
    assert.deepEqual(runs.slice(0, 2), [1, 1]);
    assert.equal(runs.slice(2, 2 + rounds * perRound).filter((n) => n !== 0).length, 0, 'no aborted task ran');
    assert.deepEqual(runs.slice(2 + rounds * perRound), new Array(finals).fill(1), 'each final task ran once');
  } finally {
    open();
    await pool.destroy();
  }
});

test('an idle thread stealing again and again from one held by a long task never makes a task run twice or not at all', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 2, maxThreads: 2, maxQueue: 100_000 });
  const { gate: held, open } = gate();
  try {
    await warmUp(pool);
    const rounds = 20;
    const perRound = 100;
    // index 0: the long task, 1: a transferring task behind it (never stolen: its buffer went with it), then the rest.
    const counter = counters(2 + rounds * perRound);
    const long = outcome(pool.run({ counter, index: 0, value: 'long', gate: held }, { name: 'hold' }));
    await waitFor(() => counter[0] === 1, 20_000, 'the long task to start');
    const buffer = new ArrayBuffer(8);
    const pinned = outcome(pool.run({ counter, index: 1, value: 'pinned', buffer }, { transfer: [buffer] }));
    await yieldToFlush();
    const outcomes: Promise<Outcome>[] = [];
    for (let round = 0; round < rounds; round++) {
      const batch: Promise<Outcome>[] = [];
      for (let i = 0; i < perRound; i++) {
        const index = 2 + round * perRound + i;
        batch.push(outcome(pool.run({ counter, index, value: index })));
      }
      outcomes.push(...batch);
      // The queue is split between both threads; the free one runs its share, then steals all the held one got.
      await waitFor(
        () => counter.slice(2 + round * perRound, 2 + (round + 1) * perRound).every((n) => n > 0),
        20_000,
        `round ${round}: every task to run while the long task holds its thread`,
      );
      await Promise.all(batch);
    }
    open();
    assert.deepEqual(await long, { ok: true, value: 'long' });
    assert.deepEqual(await pinned, { ok: true, value: 'pinned' }, 'the task behind the long one got its own result');
    for (const [i, result] of (await Promise.all(outcomes)).entries()) {
      assert.deepEqual(result, { ok: true, value: 2 + i }, `task ${2 + i} got its own result`);
    }
    assert.deepEqual([...counter], new Array(counter.length).fill(1), 'every task ran exactly once');
  } finally {
    open();
    await pool.destroy();
  }
});

test('a thread left with only cancelled tasks to skip gets new work once it has skipped them', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, maxQueue: 100_000 });
  const { gate: held, open } = gate();
  try {
    await warmUp(pool);
    const rounds = 100;
    const counter = counters(1 + rounds * 100);
    assert.equal(await pool.run({ counter, index: 0, gate: held }, { name: 'holdLater' }), 'later');
    await waitFor(() => counter[0] === 1, 20_000, 'the thread to block its event loop');
    // Sent while the thread cannot read them, then aborted, until its ring is full of seqs it has yet to skip and the
    // pool stops sending to it. Nothing is in flight then, so no answer will come to say when the thread has skipped.
    const aborted: Promise<Outcome>[] = [];
    let full = false;
    for (let round = 0; round < rounds && !full; round++) {
      const controllers = Array.from({ length: 100 }, () => new AbortController());
      for (const [i, controller] of controllers.entries()) {
        const index = 1 + round * 100 + i;
        aborted.push(outcome(pool.run({ counter, index, value: index }, { signal: controller.signal })));
      }
      await yieldToFlush();
      full = pool.stats.busy === 0;
      for (const controller of controllers) controller.abort();
    }
    assert.ok(full, 'the thread stopped being sent tasks');
    const next = outcome(pool.run('next'));
    await yieldToFlush();
    open();
    assert.deepEqual(await within(next, 20_000, 'the task after the cancelled ones'), { ok: true, value: 'next' });
    for (const result of await Promise.all(aborted))
      assert.deepEqual(result, { ok: false, code: 'ERR_HIVE_TASK_ABORTED' });
    assert.equal(counter.slice(1).filter((n) => n !== 0).length, 0, 'no aborted task ran');
  } finally {
    open();
    await pool.destroy();
  }
});
