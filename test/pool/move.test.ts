// piscina's `move(value)` takes one argument and works both ways (a result, and a `run()` input). Hive's used to need
// the transfer list (with one argument the result was copied), and `pool.run(move(buffer))` handed the task the
// wrapper object `{ value, transferList }` instead of the buffer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, move, Pool } from 'hive/pool';
import { fixture } from './helpers.js';

test('move(buffer) alone, returned by a task, hands the buffer over without a copy', async () => {
  await using pool = new Pool({ filename: fixture('move.mjs'), minThreads: 1, maxThreads: 1 });
  const result = (await pool.run(new ArrayBuffer(16), { name: 'moveBack' })) as ArrayBuffer;
  assert.equal(result.byteLength, 16);
  assert.ok(new Uint8Array(result).every((byte) => byte === 9));
  assert.equal(await pool.run(null, { name: 'keptLength' }), 0, "the task's side lost it: moved, not copied");
});

test('move(typedArray) alone transfers its buffer, and the caller gets the typed array', async () => {
  await using pool = new Pool({ filename: fixture('move.mjs'), minThreads: 1, maxThreads: 1 });
  const result = (await pool.run(new ArrayBuffer(16), { name: 'moveView' })) as Uint8Array;
  assert.ok(result instanceof Uint8Array);
  assert.deepEqual([...result], new Array(16).fill(5));
  assert.equal(await pool.run(null, { name: 'keptLength' }), 0);
});

for (const isolation of ['thread', 'process'] as const) {
  describe(`pool.run(move(value)) (isolation: '${isolation}')`, () => {
    test('the task gets the value itself, and the caller gives the buffer away', async () => {
      await using pool = new Pool({ filename: fixture('move.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const buffer = new ArrayBuffer(32);
      const seen = await pool.run(move(buffer), { name: 'describeInput' });
      assert.deepEqual(seen, { arrayBuffer: true, byteLength: 32, keys: [] });
      assert.equal(buffer.byteLength, 0, 'detached on the caller side, as with `transfer`');
    });

    test('a buffer both moved and listed in `transfer` is transferred once, not refused as a duplicate', async () => {
      await using pool = new Pool({ filename: fixture('move.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const buffer = new ArrayBuffer(8);
      const seen = await pool.run(move(buffer), { name: 'describeInput', transfer: [buffer] });
      assert.deepEqual(seen, { arrayBuffer: true, byteLength: 8, keys: [] });
    });
  });
}

test('move() without a list refuses a value it cannot find the transferable of, with ERR_HIVE_INVALID_ARGUMENT', async () => {
  for (const value of [{ a: 1 }, 'text', 1, null, new Uint8Array(new SharedArrayBuffer(4))]) {
    assert.throws(() => move(value), { code: 'ERR_HIVE_INVALID_ARGUMENT' }, String(value));
  }
  assert.throws(() => move(new ArrayBuffer(1), 'list' as never), { code: 'ERR_HIVE_INVALID_ARGUMENT' });
  await using pool = new Pool({ filename: fixture('move.mjs'), minThreads: 1, maxThreads: 1 });
  await assert.rejects(pool.run(null, { name: 'movePlainObject' }), { code: 'ERR_HIVE_INVALID_ARGUMENT' });
});

test('move() of shared memory says it is shared already, nothing to move, rather than "got an object"', () => {
  const cases = [
    [new Uint8Array(new SharedArrayBuffer(8)), 'a view on a SharedArrayBuffer'],
    [new DataView(new SharedArrayBuffer(8)), 'a view on a SharedArrayBuffer'],
    [new SharedArrayBuffer(8), 'a SharedArrayBuffer'],
  ] as const;
  for (const [value, what] of cases) {
    assert.throws(() => move(value), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: `move(value) got ${what}: it is shared already, nothing to move; pass it as it is (both sides see the same memory)`,
    });
  }
});

// A move() wrapper nested in an input or a result was cloned as a plain `{ value, transferList }`: the task (or the
// caller) got the wrapper, and nothing moved. piscina's own wrapper (Piscina.move, returned by a task module not yet
// migrated) was cloned as `{}`.
for (const isolation of ['thread', 'process'] as const) {
  describe(`move() nested, or piscina's (isolation: '${isolation}')`, () => {
    test('a move() nested in an input or a result rejects with ERR_HIVE_INVALID_ARGUMENT naming where', async () => {
      await using pool = new Pool({ filename: fixture('move.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const buffer = new ArrayBuffer(8);
      await assert.rejects(pool.run({ frame: { buf: move(buffer) } }, { name: 'describeInput' }), (error: Error) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.match(
          error.message,
          /move\(\) wraps a whole input, not a value nested in it \(found at input\.frame\.buf\)/,
        );
        return true;
      });
      assert.equal(buffer.byteLength, 8, 'nothing was sent: the caller keeps the buffer');
      await assert.rejects(pool.run(new ArrayBuffer(4), { name: 'moveNested' }), (error: Error) => {
        assert.ok(error instanceof InvalidArgumentError, String(error));
        assert.match(error.message, /found at result\.pixels/);
        return true;
      });
      assert.deepEqual(await pool.run(new ArrayBuffer(2), { name: 'describeInput' }), {
        arrayBuffer: true,
        byteLength: 2,
        keys: [],
      });
    });

    test("a task's Piscina.move(view) result arrives as the view", async () => {
      await using pool = new Pool({ filename: fixture('move.mjs'), minThreads: 1, maxThreads: 1, isolation });
      const result = await pool.run(4, { name: 'piscinaMove' });
      assert.ok(result instanceof Uint8Array, String(result));
      assert.deepEqual([...result], [7, 7, 7, 7]);
      if (isolation === 'thread') assert.equal(await pool.run(null, { name: 'keptLength' }), 0, 'moved, not copied');
    });
  });
}
