// A piscina user's `transferList` was refused as a bare unknown run option: the error now names Hive's `transfer`.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { Pool } from 'hive/pool';
import { fixture } from './helpers.js';

test("run option `transferList` (piscina's name) is refused with a pointer to `transfer`, and the buffer is kept", async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 1 });
  const buffer = new ArrayBuffer(8);
  await assert.rejects(pool.run(buffer, { transferList: [buffer] } as never), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /`transferList`.*`transfer`/,
  });
  assert.equal(buffer.byteLength, 8);
});

// piscina types `name` and `signal` as `string | null` and `AbortSignal | null`: code written for it passes null.
test('run options `name: null` and `signal: null` mean none, as in piscina', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 1 });
  assert.equal(await pool.run(7, { name: null, signal: null }), 7);
  assert.equal(await pool.run(8, { name: null }), 8);
  assert.equal(await pool.run({ ms: 1 }, { name: 'sleep', signal: null }), 1);
});

// piscina's pool options `atomics` and `name` were refused as bare unknown options: the error now says what to do.
test("pool options `atomics` and `name` (piscina's) are refused with Hive's way of doing it", () => {
  const filename = fixture('tasks.mjs');
  for (const atomics of ['sync', 'async', 'disabled']) {
    assert.throws(() => new Pool({ filename, atomics } as never), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: /Unknown pool option `atomics` \(.*HIVE_POOL_ATOMICS=0/,
    });
  }
  assert.throws(() => new Pool({ filename, useAtomics: false } as never), { message: /HIVE_POOL_ATOMICS=0/ });
  assert.throws(() => new Pool({ filename, name: 'hash' } as never), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /Unknown pool option `name` \(.*no pool-wide equivalent: pass `name` to each run\(\)\)/,
  });
  assert.throws(() => new Pool({ filename, colour: 1 } as never), { message: /^Unknown pool option `colour`$/ });
});

// The rest of piscina's options that Hive does without were refused as bare unknown keys: each now says what to do.
test("piscina's other pool options are refused with what to do instead", () => {
  const filename = fixture('tasks.mjs');
  for (const [key, value, pattern] of [
    ['concurrentTasksPerWorker', 2, /.*one task at a time.*`maxThreads`/],
    ['recordTiming', false, /`pool\.stats`/],
    ['workerHistogram', true, /`pool\.stats`/],
    ['niceIncrement', 5, /priority/],
    ['trackUnmanagedFds', false, /Node's default/],
    ['taskQueue', {}, /FIFO/],
    ['loadBalancer', () => undefined, /FIFO/],
    ['stricterFIFO', true, /FIFO/],
  ] as const) {
    assert.throws(() => new Pool({ filename, [key]: value } as never), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: new RegExp(`^Unknown pool option \`${key}\` \\(piscina's; .*${pattern.source}`),
    });
  }
});

test("piscina's run-level `filename`, runTask's transfer list and an EventEmitter signal are refused with what to do", async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 1 });
  await assert.rejects(pool.run(1, { filename: fixture('tasks.mjs').href } as never), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /^Unknown run option `filename` \(.*a pool per module, and `name` picks an export\)$/,
  });
  const buffer = new ArrayBuffer(8);
  await assert.rejects(pool.run(buffer, [buffer] as never), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /^Expected run options to be an object, got an array \(.*\{ transfer: \[\.\.\.\] \}\)$/,
  });
  assert.equal(buffer.byteLength, 8);
  for (const signal of [new EventEmitter(), new EventTarget()]) {
    await assert.rejects(pool.run(1, { signal } as never), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: /^Expected the `signal` option to be an AbortSignal, got an object \(.*AbortController/,
    });
  }
  assert.equal(await pool.run(1), 1, 'the pool goes on');
});

// piscina's `needsDrain` and `message` events are never emitted by a Hive pool: a listener for one waited for ever.
test("a listener for piscina's `needsDrain` or `message` event is refused, saying what to do instead", async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 1 });
  const listener = () => {};
  for (const [event, pattern] of [
    ['needsDrain', /no `needsDrain` event.*`pool\.needsDrain`.*`available`/],
    ['message', /no `message` event.*`context\.progress\(value\)`.*`onProgress`/],
  ] as const) {
    const refused = { code: 'ERR_HIVE_INVALID_ARGUMENT', message: pattern };
    assert.throws(() => pool.on(event as never, listener as never), refused);
    assert.throws(() => pool.once(event as never, listener as never), refused);
    assert.throws(() => pool.prependListener(event as never, listener as never), refused);
    await assert.rejects(once(pool, event), refused);
    assert.equal(pool.listenerCount(event as never), 0, `no ${event} listener was added`);
  }
  // Hive's own events are listened to as ever.
  pool.on('available', listener);
  pool.once('drain', listener);
  assert.equal(await pool.run(1), 1);
});

// The refusal is a 'newListener' hook: removeAllListeners() (or removeAllListeners('newListener')) took it away, and a
// needsDrain listener was then silently accepted.
test('the refusal of `needsDrain` and `message` listeners survives removeAllListeners()', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 1 });
  const listener = () => {};
  // Typed as a plain EventEmitter: the event names are not the pool's.
  const emitter: EventEmitter = pool;
  const refused = { code: 'ERR_HIVE_INVALID_ARGUMENT' };
  // With a 'removeListener' listener, the first removeAllListeners() removes event by event (calling
  // removeAllListeners(key), 'newListener' included); the last one, with none left, takes EventEmitter's other path.
  emitter.on('removeListener', listener);
  for (const clear of [
    () => pool.removeAllListeners(),
    () => emitter.removeAllListeners('newListener'),
    () => emitter.removeAllListeners('needsDrain'),
    () => pool.removeAllListeners(),
  ]) {
    pool.on('available', listener);
    clear();
    for (const event of ['needsDrain', 'message'] as const) {
      assert.throws(() => emitter.on(event, listener), refused);
      assert.throws(() => emitter.addListener(event, listener), refused);
      assert.throws(() => emitter.once(event, listener), refused);
      assert.throws(() => emitter.prependListener(event, listener), refused);
      assert.throws(() => emitter.prependOnceListener(event, listener), refused);
      await assert.rejects(once(pool, event), refused);
      assert.equal(emitter.listenerCount(event), 0, `no ${event} listener was added`);
    }
  }
  pool.on('available', listener);
  assert.equal(pool.listenerCount('available'), 1, "Hive's own events are listened to as ever");
  assert.equal(await pool.run(1), 1);
});

// piscina's pool properties read as `undefined` on a Hive pool: `if (pool.queueSize > 100) shed()` never shed. Each
// read throws now, naming what to read instead; the pool's own properties and inspection are unaffected.
test("piscina's pool properties (queueSize, completed, threads...) throw naming Hive's way, never read undefined", async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 1 });
  const piscina = pool as unknown as Record<string, unknown>;
  for (const [name, instead] of [
    ['queueSize', /`pool\.stats\.queued`/],
    ['completed', /`pool\.stats\.completed`/],
    ['utilization', /`pool\.stats\.utilization`/],
    ['runTime', /`pool\.stats\.runTime`/],
    ['waitTime', /`pool\.stats\.waitTime`/],
    ['histogram', /`pool\.stats\.runTime` and `pool\.stats\.waitTime`/],
    ['threads', /`pool\.stats\.threads` \(a count/],
    ['idleThreads', /`pool\.stats\.threads - pool\.stats\.busy`/],
    ['duration', /performance\.now\(\)/],
  ] as const) {
    assert.throws(() => piscina[name], {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: new RegExp(`^A Hive pool has no \`${name}\` \\(piscina's\\): .*${instead.source}`),
    });
  }
  assert.equal(await pool.run(3), 3);
  assert.equal(pool.stats.completed, 1);
  assert.equal(pool.needsDrain, false);
  assert.doesNotThrow(() => inspect(pool, { getters: false }));
});
