// Under `isolation: 'process'` a typed array, DataView or Buffer arrived as a view into the whole IPC message it came
// in (node's v8 deserializer makes views over the message's buffer): `new Float32Array(input.buffer)` saw 2048 floats
// for 3, `byteOffset` was that of the view in the message, and a result's `.buffer` held the message's other bytes
// (the pool's private token among them). Each view now has an ArrayBuffer of its own, as with threads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { move, Pool } from 'hive/pool';
import { fixture } from './helpers.js';

for (const isolation of ['thread', 'process'] as const) {
  describe(`typed arrays that cross to and from a worker (isolation: '${isolation}')`, () => {
    const newPool = (workerData?: unknown) =>
      new Pool({ filename: fixture('views.mjs'), minThreads: 1, maxThreads: 1, isolation, workerData });

    test('a Float32Array input seen through its buffer has its own length', async () => {
      await using pool = newPool();
      assert.deepEqual(await pool.run(new Float32Array([1, 2, 3]), { name: 'seeInput' }), {
        length: 3,
        sum: 6,
        byteOffset: 0,
      });
      // Transferred (copied under isolation 'process'), the same.
      const moved = new Float32Array([1, 2, 3, 4]);
      assert.deepEqual(await pool.run(move(moved), { name: 'seeInput' }), { length: 4, sum: 10, byteOffset: 0 });
      assert.equal(moved.length, 0, 'the caller gave its buffer away');
    });

    test("a Uint8Array result's buffer is its own", async () => {
      await using pool = newPool();
      for (const n of [0, 3, 5000]) {
        const result = (await pool.run(n, { name: 'bytes' })) as Uint8Array;
        assert.ok(result instanceof Uint8Array);
        assert.deepEqual([...result], new Array(n).fill(7));
        assert.equal(result.byteOffset, 0);
        assert.equal(result.buffer.byteLength, n);
      }
    });

    test('a DataView result and a progress value have buffers of their own', async () => {
      await using pool = newPool();
      const view = (await pool.run(null, { name: 'dataView' })) as DataView;
      assert.ok(view instanceof DataView);
      assert.equal(view.getInt16(2), -2);
      assert.equal(view.buffer.byteLength, 6);
      assert.equal(view.byteOffset, 0);
      const seen: Float64Array[] = [];
      await pool.run(null, { name: 'withProgress', onProgress: (value) => seen.push(value as Float64Array) });
      assert.equal(seen.length, 1);
      assert.deepEqual([...(seen[0] as Float64Array)], [1.5, 2.5]);
      assert.equal(seen[0]?.buffer.byteLength, 16);
    });

    test("a typed array in a task's error fields has its own buffer", async () => {
      await using pool = newPool();
      await assert.rejects(pool.run(null, { name: 'throwsBytes' }), (error: Error & { bytes?: Uint8Array }) => {
        assert.deepEqual([...(error.bytes ?? [])], [1, 2, 3]);
        assert.equal(error.bytes?.buffer.byteLength, 3);
        return true;
      });
    });

    test('the same view twice arrives as one object, both ways', async () => {
      await using pool = newPool();
      const result = (await pool.run(null, { name: 'twice' })) as Record<string, unknown> & {
        a: Uint16Array;
        map: Map<string, unknown>;
        set: Set<unknown>;
      };
      assert.deepEqual([...result.a], [1, 2, 3]);
      assert.equal(result.a.buffer.byteLength, 6);
      assert.equal(result.b, result.a);
      assert.equal((result.list as unknown[])[0], result.a);
      assert.equal(result.map.get('v'), result.a);
      assert.ok(result.set.has(result.a));
      const v = new Uint8Array([4, 5]);
      const input = { a: v, b: v, list: [v], map: new Map([['v', v]]), set: new Set([v]) };
      assert.equal(await pool.run(input, { name: 'sameTwice' }), true);
    });

    test('a typed array in workerData has its own buffer in the worker', async () => {
      await using pool = newPool({ floats: new Float32Array([1, 2]) });
      assert.deepEqual(await pool.run(null, { name: 'seeWorkerData' }), { length: 2, byteOffset: 0 });
    });
  });
}

describe("Buffers under isolation: 'process'", () => {
  test('a Buffer result stays a Buffer, over a buffer of its own', async () => {
    await using pool = new Pool({ filename: fixture('views.mjs'), maxThreads: 1, isolation: 'process' });
    for (const text of ['hi', 'x'.repeat(10_000)]) {
      const result = (await pool.run(text, { name: 'buffer' })) as Buffer;
      assert.ok(Buffer.isBuffer(result));
      assert.equal(result.toString(), text);
      assert.equal(result.byteOffset, 0);
      assert.equal(result.buffer.byteLength, text.length);
    }
  });
});
