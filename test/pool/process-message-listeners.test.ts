// Under isolation: 'process' a task that called process.removeAllListeners('message') took the pool's own listener
// with it: the child heard no more tasks, and each one sent to it waited for its timeout (or for ever). The child now
// puts its listener back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/remove-listeners.mjs', import.meta.url);

test("a task that removes the child's 'message' listeners does not leave the child deaf", async () => {
  const pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation: 'process' });
  try {
    for (const how of ['message', 'all']) {
      assert.equal(await within(pool.run(how), 20_000, `removing ${how}`), 'removed');
      assert.equal(
        await within(pool.run(`after ${how}`, { name: 'echo' }), 20_000, `the task after ${how}`),
        `after ${how}`,
      );
    }
    assert.equal(pool.stats.completed, 4);
  } finally {
    await pool.destroy();
  }
});
