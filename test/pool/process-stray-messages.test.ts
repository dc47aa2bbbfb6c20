// Under isolation: 'process' the pool talked to its children over the IPC channel that tasks can use too: a task's
// own process.send([0, 'forged', 1]) resolved the next task with 'forged' (its own answer lost), and process.send(null)
// or process.send([1, 2]) crashed the host. The pool's messages now carry a per-child token, and others are ignored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/process-send.mjs', import.meta.url);

test("a task's own process.send() is not taken for the pool's messages, and never crashes the host", async () => {
  const pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation: 'process' });
  const errors: Error[] = [];
  pool.on('error', (error) => errors.push(error));
  const answers = await within(
    Promise.all([pool.run('forge'), pool.run('B'), pool.run('C')]),
    20_000,
    'the tasks after a forged answer',
  );
  assert.deepEqual(answers, ['forge-real', 'B', 'C']);
  for (const input of ['null', 'pair', 'string']) {
    assert.equal(await within(pool.run(input), 20_000, input), input);
  }
  assert.equal(pool.stats.completed, 6);
  assert.deepEqual(errors, []);
  await within(pool.close(), 20_000, 'close()');
});
