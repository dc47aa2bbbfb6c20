import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture } from './helpers.js';

describe("isolation: 'process'", () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), isolation: 'process', minThreads: 1, maxThreads: 2 });
  after(() => pool.destroy());

  test('runs tasks in child processes with the same API', async () => {
    const who = (await pool.run({}, { name: 'whoami' })) as { pid: number };
    assert.notEqual(who.pid, process.pid);
    assert.equal(await pool.run(7), 7);
    assert.equal(await pool.run({ ms: 5 }, { name: 'sleep' }), 5);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.run(i)));
    assert.deepEqual(
      results,
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  test('errors keep their fields; a crash rejects only its task; progress works', async () => {
    await assert.rejects(pool.run({}, { name: 'fail' }), { code: 'E_TASK', name: 'RangeError' });
    await assert.rejects(pool.run({ code: 4 }, { name: 'exit' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_HIVE_THREAD_EXITED');
      assert.match(error.message, /exit code 4/);
      return true;
    });
    const seen: unknown[] = [];
    assert.equal(await pool.run({ steps: 3 }, { name: 'progress', onProgress: (v) => seen.push(v) }), 'done');
    assert.equal(seen.length, 3);
  });

  test('abort and timeout kill the child and the pool goes on', async () => {
    const controller = new AbortController();
    const running = pool.run({ ms: 60_000 }, { name: 'busy', signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(running, { code: 'ERR_HIVE_TASK_ABORTED' });
    await assert.rejects(pool.run({ ms: 60_000 }, { name: 'busy', timeout: 200 }), {
      code: 'ERR_HIVE_TASK_TIMEOUT',
      message: 'The task did not finish within its timeout of 200 ms; its process was replaced',
    });
    assert.equal(await pool.run('alive'), 'alive');
  });
});
