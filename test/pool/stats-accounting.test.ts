// stats.completed and stats.failed count each task the pool accepted once, whatever ended it (a result, a throw, its
// thread's crash or heap exhaustion, a timeout, an abort while running or waiting, tasks of a crashed thread resent
// elsewhere); a run() refused at the call (queue full, a signal already aborted, the pool closed) counts in neither.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor, within } from './helpers.js';

const code = (outcome: PromiseSettledResult<unknown>) =>
  outcome.status === 'fulfilled' ? 'ok' : ((outcome.reason as { code?: string }).code ?? 'thrown');

test('completed + failed is the number of tasks accepted; refused run() calls count in neither', async () => {
  const pool = new Pool({
    filename: fixture('tasks.mjs'),
    minThreads: 2,
    maxThreads: 2,
    maxQueue: 32,
    resourceLimits: { maxOldGenerationSizeMb: 32 },
  });
  try {
    const counter = counters(2);
    const running = new AbortController();
    const waiting = new AbortController();
    const accepted = [
      ...Array.from({ length: 3 }, (_, value) => pool.run({ value })),
      pool.run({}, { name: 'fail' }),
      pool.run({}, { name: 'exit' }),
      pool.run(null, { name: 'oom' }),
      pool.run({ ms: 600_000 }, { name: 'busy', timeout: 50 }),
      pool.run({ ms: 600_000, counter, index: 0 }, { name: 'sleep', signal: running.signal }),
      pool.run({ ms: 600_000 }, { name: 'sleep', signal: waiting.signal }),
      // Sent behind the others, some to threads that crash before reaching them: each still counts once.
      ...Array.from({ length: 20 }, (_, value) => pool.run({ value })),
    ];
    const settled = Promise.allSettled(accepted);
    // The first abortable task is running once it bumped its counter; the second is queued or sent behind it.
    await waitFor(() => Atomics.load(counter, 0) === 1, 30_000, 'the task to abort while it runs');
    running.abort();
    waiting.abort();
    const outcomes = (await within(settled, 60_000, 'the accepted tasks')).map(code);
    const tally = (wanted: string) => outcomes.filter((c) => c === wanted).length;
    assert.equal(tally('ok'), 23, outcomes.join(' '));
    assert.equal(tally('E_TASK'), 1);
    assert.equal(tally('ERR_HIVE_THREAD_EXITED'), 1);
    assert.equal(tally('ERR_HIVE_WORKER_OUT_OF_MEMORY'), 1);
    assert.equal(tally('ERR_HIVE_TASK_TIMEOUT'), 1);
    assert.equal(tally('ERR_HIVE_TASK_ABORTED'), 2);

    // Refused at the call: the queue full (two tasks sent to the idle threads, 32 waiting), and a signal already
    // aborted. Synchronously: no task can start or finish in between.
    const held = Array.from({ length: 34 }, (_, value) => pool.run({ value }));
    const refused = [pool.run({ value: 'late' }), pool.run({ value: 'aborted' }, { signal: AbortSignal.abort() })];
    const heldSettled = Promise.allSettled(held);
    const refusals = (await Promise.allSettled(refused)).map(code);
    assert.deepEqual(refusals, ['ERR_HIVE_QUEUE_FULL', 'ERR_HIVE_TASK_ABORTED']);
    await within(heldSettled, 60_000, 'the tasks that filled the queue');

    const { completed, failed, busy, queued } = pool.stats;
    assert.equal(completed, 23 + held.length, 'the results');
    assert.equal(failed, accepted.length - 23, 'every other accepted task, once');
    assert.equal(busy, 0);
    assert.equal(queued, 0);
    await pool.close();
    await assert.rejects(pool.run({ value: 'closed' }), { code: 'ERR_HIVE_POOL_CLOSED' });
    assert.equal(
      pool.stats.completed + pool.stats.failed,
      completed + failed,
      'a run() after close() counts in neither',
    );
  } finally {
    await pool.destroy();
  }
});
