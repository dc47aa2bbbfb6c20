// `transfer` under isolation: 'process' used to be ignored: buffers were copied and stayed usable on the caller's
// side, and entries a thread refuses (a number, a SharedArrayBuffer, a typed array, a duplicate) were accepted. Now
// both isolations check the list the same way (ERR_HIVE_DATA_CLONE, the task unrun), and a transferred ArrayBuffer is
// detached on the caller's side once the child has its copy, so code behaves alike under both.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as workerThreads from 'node:worker_threads';
import { Pool } from 'hive/pool';
import { fixture } from './helpers.js';

const invalidEntries = (): [string, unknown[]][] => {
  const buffer = new ArrayBuffer(4);
  return [
    ['a number', [1]],
    ['a plain object', [{}]],
    ['a SharedArrayBuffer', [new SharedArrayBuffer(8)]],
    ['a typed array (not its buffer)', [new Uint8Array(4)]],
    ['the same ArrayBuffer twice', [buffer, buffer]],
  ];
};

for (const isolation of ['thread', 'process'] as const) {
  describe(`transfer (isolation: '${isolation}')`, () => {
    test('an entry that cannot be transferred rejects with ERR_HIVE_DATA_CLONE, and the task does not run', async () => {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
      for (const [what, transfer] of invalidEntries()) {
        await assert.rejects(pool.run(1, { transfer: transfer as never }), { code: 'ERR_HIVE_DATA_CLONE' }, what);
      }
      assert.equal(pool.stats.completed, 0);
      assert.equal(await pool.run(2), 2, 'the worker is unharmed');
    });

    test('a transferred ArrayBuffer arrives whole and is detached on the caller’s side', async () => {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const buffer = new ArrayBuffer(8);
      new Uint8Array(buffer).fill(7);
      const echoed = (await pool.run({ value: buffer }, { transfer: [buffer] })) as ArrayBuffer;
      assert.deepEqual([...new Uint8Array(echoed)], new Array(8).fill(7));
      assert.equal(buffer.byteLength, 0, 'detached');
      // Given again, it is refused like any detached buffer.
      await assert.rejects(pool.run({ value: buffer }, { transfer: [buffer] }), { code: 'ERR_HIVE_DATA_CLONE' });
    });

    // The shared pool behind small Buffers is marked untransferable. Node >= 21's postMessage refuses it
    // (nodejs/node#47604); Node 20's copies it and leaves it attached. The process path used to send the task and then
    // fail detaching it: the task was rejected yet ran, and its answer went to the worker's next task.
    test('an untransferable ArrayBuffer (a small Buffer’s pool) is handled as a thread’s postMessage handles it', async () => {
      await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const bytes = Buffer.from('hi');
      assert.ok(bytes.buffer.byteLength > bytes.length, 'precondition: the Buffer sits in the shared pool');
      const first = pool.run({ value: 'first', bytes }, { transfer: [bytes.buffer] });
      if ('isMarkedAsUntransferable' in workerThreads) {
        await assert.rejects(first, { code: 'ERR_HIVE_DATA_CLONE' });
        assert.equal(pool.stats.completed, 0, 'the refused task did not run');
      } else {
        assert.equal(await first, 'first');
      }
      assert.equal(bytes.toString(), 'hi', 'the pool stays attached');
      assert.equal(await pool.run('second'), 'second', 'the next task gets its own answer');
      assert.equal(await pool.run('third'), 'third');
    });
  });
}

test("isolation: 'process' refuses a MessagePort in the transfer list: it cannot reach a child process", async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1, isolation: 'process' });
  const { port1, port2 } = new MessageChannel();
  try {
    await assert.rejects(pool.run({ port: port1 }, { transfer: [port1] }), {
      code: 'ERR_HIVE_DATA_CLONE',
      message: /MessagePort.*child process/,
    });
  } finally {
    port1.close();
    port2.close();
  }
});
