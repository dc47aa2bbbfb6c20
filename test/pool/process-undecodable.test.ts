// Under isolation: 'process' the IPC channel decoded each message inside its read callback, before the pool saw it:
// a value it could not decode (a WebAssembly.Module, which v8 writes but cannot read back; a result nested deeper than
// the pool's stack) threw out of the event loop and ended the pool's whole process (`Unable to deserialize cloned
// data.`, exit 1). As an input it killed the child (ERR_HIVE_THREAD_EXITED), and as `workerData` every child at its
// start. The values now cross as bytes Hive encodes and decodes itself: the one task fails with ERR_HIVE_DATA_CLONE.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/undecodable.mjs', import.meta.url);
// The smallest valid module ("\0asm", version 1); WebAssembly has no types without the DOM lib.
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } };
const wasmModule = () => new wasm.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
const nested = (levels: number) => {
  let head: unknown = null;
  for (let i = levels; i > 0; i--) head = { value: i, next: head };
  return head;
};
// Deeper than any default stack decodes (about 3,000 levels overflowed the pool's), shallower than the child encodes.
const DEEP = 50_000;

describe('values a child process cannot hand over', () => {
  const pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation: 'process' });
  const errors: Error[] = [];
  pool.on('error', (error) => errors.push(error));
  after(() => pool.destroy());

  test('each fails its own task with ERR_HIVE_DATA_CLONE; the pool and the child go on', async () => {
    const child = await pool.run(undefined, { name: 'pid' });
    const progress: unknown[] = [];
    const outcomes = await within(
      Promise.allSettled([
        pool.run(undefined, { name: 'wasmResult' }),
        pool.run(undefined, { name: 'wasmProgress', onProgress: (value) => progress.push(value) }),
        pool.run(wasmModule()),
        pool.run({ nested: [wasmModule()] }),
        pool.run(DEEP, { name: 'deepResult' }),
        pool.run(DEEP, { name: 'deepProgress', onProgress: (value) => progress.push(value) }),
        pool.run(nested(DEEP)),
        pool.run('after them'),
      ]),
      60_000,
      'the tasks',
    );
    const reasons = outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : outcome.value));
    assert.deepEqual(reasons.at(-1), '[object String]');
    for (const [i, what] of [
      'result',
      'progress value',
      'input',
      'input',
      'result',
      'progress value',
      'input',
    ].entries()) {
      assert.equal(outcomes[i]?.status, 'rejected', `task ${i}: ${String(reasons[i])}`);
      assert.match(
        String((reasons[i] as Error).message),
        new RegExp(`^The task's ${what} cannot be cloned to another process: `),
        `task ${i}`,
      );
      assert.equal((reasons[i] as { code?: string }).code, 'ERR_HIVE_DATA_CLONE', `task ${i}`);
    }
    assert.deepEqual(progress, []);
    // The same child ran them all: none of them cost it.
    assert.equal(await pool.run(undefined, { name: 'pid' }), child);
    assert.deepEqual(errors, []);
  });

  test('workerData a child could not read is refused at construction', () => {
    assert.throws(
      () => new Pool({ filename, isolation: 'process', minThreads: 0, workerData: { module: wasmModule() } }),
      { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /`workerData` option cannot be cloned to a child process/ },
    );
    assert.throws(() => new Pool({ filename, isolation: 'process', minThreads: 0, workerData: nested(DEEP) }), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: /`workerData` option cannot be cloned to a child process/,
    });
  });
});
