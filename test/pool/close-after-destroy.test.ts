// close() and destroy() called on a pool already destroyed (or being destroyed): `await using` after an explicit
// destroy(), a shutdown hook that destroys while another closes. Each must settle once the workers are gone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture, within } from './helpers.js';

/** Whether a process with this pid still exists (a killed child stays until its parent has reaped it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('close() after destroy() resolves, as does await using after an explicit destroy()', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  assert.equal(await pool.run(1), 1);
  await pool.destroy();
  await within(pool.close(), 20_000, 'close() after destroy()');
  {
    await using disposed = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
    assert.equal(await disposed.run(2), 2);
    await disposed.destroy();
  }
});

test('close() or a second destroy() while destroy() stops the workers resolve only once they are gone', async () => {
  for (const second of ['close', 'destroy'] as const) {
    const pool = new Pool({ filename: fixture('tasks.mjs'), isolation: 'process', minThreads: 1, maxThreads: 1 });
    const { pid } = (await pool.run({}, { name: 'whoami' })) as { pid: number };
    const running = assert.rejects(pool.run({ ms: 60_000 }, { name: 'busy' }), { code: 'ERR_HIVE_POOL_CLOSED' });
    const destroyed = pool.destroy();
    await within(second === 'close' ? pool.close() : pool.destroy(), 20_000, `${second}() during destroy()`);
    assert.equal(alive(pid), false, `the worker process is gone when ${second}() resolves`);
    await destroyed;
    await running;
  }
});
