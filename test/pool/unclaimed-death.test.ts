// A task whose worker dies before claiming it is put back in the queue (see unstarted-after-crash.test.ts). When the
// task itself is what kills the worker before the claim (an input too big for resourceLimits: the worker runs out of
// heap decoding it), every new worker died the same way: the task stayed pending forever while the pool created
// workers without end, its timeout restarted at each resend. Now it runs elsewhere once, and a second such death
// rejects it with that death's error; and a task's timeout keeps running while it waits to be resent.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Pool } from 'hive/pool';
import { poll } from '../poll.js';
import { within } from './helpers.js';

const dirs: string[] = [];
after(() => {
  // Read by each new worker of the timeout test's pool (which inherit the environment when they start).
  delete process.env.HIVE_TEST_BLOCK_LOAD;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

for (const isolation of ['thread', 'process'] as const) {
  test(`${isolation}: a task whose input kills each worker before it starts rejects with the memory error`, async () => {
    await using pool = new Pool({
      filename: new URL('./fixtures/out-of-memory.mjs', import.meta.url),
      isolation,
      minThreads: 2,
      maxThreads: 2,
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    let created = 0;
    const errors: (Error & { code?: string })[] = [];
    pool.on('workerCreate', () => created++);
    pool.on('error', (error) => errors.push(error));
    const big = Array.from({ length: 400_000 }, (_, i) => ({ i, s: `item ${i}` }));
    const error = (await within(
      pool.run(big).catch((e: unknown) => e),
      90_000,
      'the task with the big input',
    )) as Error & { code?: string };
    assert.equal(error.code, 'ERR_HIVE_WORKER_OUT_OF_MEMORY', String(error));
    // The first death put the task back (reported by 'error'); the second rejected it.
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_HIVE_WORKER_OUT_OF_MEMORY'],
    );
    assert.equal(await within(pool.run('after'), 60_000, 'a task after'), 'after');
    assert.ok(created <= 4, `two workers, and one replacement per death: ${created} created`);
  });

  test(`${isolation}: the timeout of a task put back after its worker died keeps running while it waits`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hive-requeue-timeout-'));
    dirs.push(dir);
    process.env.HIVE_TEST_BLOCK_LOAD = join(dir, 'marker');
    await using pool = new Pool({
      filename: new URL('./fixtures/blocks-load-after-stray.mjs', import.meta.url),
      isolation,
      minThreads: 1,
      maxThreads: 1,
    });
    pool.on('error', () => {});
    let waiting: Promise<unknown>;
    if (isolation === 'process') {
      const stray = pool.run(null, { name: 'strayThrow' });
      // Sent behind strayThrow; its worker dies before starting it, and every new worker blocks while loading.
      waiting = pool.run('never runs', { name: 'echo', timeout: 1000 });
      assert.equal(await within(stray, 60_000, 'the stray task'), 'stray');
    } else {
      // A thread runs the tasks it holds back to back: its stray throw waits until the next task has reached it.
      const hold = new Int32Array(new SharedArrayBuffer(8));
      assert.equal(await within(pool.run(hold, { name: 'strayThrow' }), 60_000, 'the stray task'), 'stray');
      await poll(() => Atomics.load(hold, 1) === 1, 'the stray throw to wait');
      waiting = pool.run('never runs', { name: 'echo', timeout: 1000 });
      await new Promise((resolve) => setImmediate(resolve));
      Atomics.store(hold, 0, 1);
      Atomics.notify(hold, 0);
    }
    const error = (await within(
      waiting.catch((e: unknown) => e),
      60_000,
      'the task put back',
    )) as Error & { code?: string };
    assert.equal(error.code, 'ERR_HIVE_TASK_TIMEOUT', String(error));
    assert.match(error.message, new RegExp(`its ${isolation} died before starting it`));
  });
}
