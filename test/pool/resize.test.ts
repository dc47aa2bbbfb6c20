// pool.resize(): the runtime's shared pool follows its cluster's size when the app is scaled, so a pool must be able
// to change its maxThreads while tasks run, without losing a task or running one twice.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Pool } from 'hive/pool';
import { counters, fixture, waitFor } from './helpers.js';

const saved = process.env.HIVE_CLUSTER_SIZE;
before(() => {
  delete process.env.HIVE_POOL_THREADS;
});
after(() => {
  if (saved === undefined) delete process.env.HIVE_CLUSTER_SIZE;
  else process.env.HIVE_CLUSTER_SIZE = saved;
});

test('shrinking under load: busy threads finish, each task runs once, the pool ends at the new size', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, maxThreads: 4, maxQueue: Infinity });
  const counter = counters(60);
  const runs = Array.from({ length: 60 }, (_, index) => pool.run({ counter, index, ms: 20 }, { name: 'sleep' }));
  await waitFor(() => pool.stats.busy === 4, 20_000, 'four busy threads');
  pool.resize(1);
  assert.equal(pool.options.maxThreads, 1);
  assert.equal(pool.options.minThreads, 0, 'an explicit minThreads stays');
  const results = await Promise.allSettled(runs);
  assert.deepEqual(
    results.map((r) => r.status),
    new Array(60).fill('fulfilled'),
  );
  assert.deepEqual([...counter], new Array(60).fill(1), 'each task ran exactly once');
  await waitFor(() => pool.stats.threads <= 1, 20_000, 'the retired threads gone');
  const ids = new Set<number>();
  const more = Array.from({ length: 8 }, () => pool.run({ spin: 5 }, { name: 'whoami' }));
  for (const { threadId } of (await Promise.all(more)) as { threadId: number }[]) ids.add(threadId);
  assert.equal(ids.size, 1, 'one thread serves after the shrink');
});

test('growing: tasks that wait start the new threads', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1 });
  assert.equal(pool.options.minThreads, 1);
  pool.resize(3);
  assert.equal(pool.options.maxThreads, 3);
  assert.equal(pool.options.minThreads, 2, 'a default minThreads follows the size');
  assert.equal(pool.options.maxQueue, 256 * 3, 'a default maxQueue follows the size');
  const runs = Array.from({ length: 6 }, () => pool.run({ ms: 300 }, { name: 'sleep' }));
  await waitFor(() => pool.stats.threads === 3, 20_000, 'three threads');
  await Promise.all(runs);
});

test("'auto' applies the sizing rule again, from HIVE_CLUSTER_SIZE as it is now", async () => {
  process.env.HIVE_CLUSTER_SIZE = '1';
  await using pool = new Pool({ filename: fixture('tasks.mjs') });
  const whole = pool.options.maxThreads;
  process.env.HIVE_CLUSTER_SIZE = '4096';
  pool.resize('auto');
  assert.equal(pool.options.maxThreads, 1);
  process.env.HIVE_CLUSTER_SIZE = '1';
  pool.resize('auto');
  assert.equal(pool.options.maxThreads, whole);
  assert.equal(await pool.run(7), 7);
});

test('a bad size is refused, naming it', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 2, maxThreads: 2 });
  assert.throws(() => pool.resize(1), { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /minThreads.*\(2\).*\(1\)/ });
  assert.throws(() => pool.resize(0), { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /maxThreads/ });
  assert.throws(() => pool.resize('4' as unknown as number), { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /"4"|'4'/ });
  assert.equal(pool.options.maxThreads, 2, 'a refused resize changes nothing');
});

// resize() set the new size before its closed check: options told a size never applied, and while close() waited for
// the queued tasks, the pool grew to it.
test('resize() once closed changes nothing, and still refuses a bad size', async () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  const runs = Array.from({ length: 4 }, () => pool.run({ spin: 50 }, { name: 'whoami' }));
  const closed = pool.close();
  pool.resize(4);
  pool.resize('auto');
  assert.equal(pool.options.maxThreads, 1);
  assert.equal(pool.options.minThreads, 1);
  assert.throws(() => pool.resize(0), { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /maxThreads/ });
  const ids = new Set(((await Promise.all(runs)) as { threadId: number }[]).map((reply) => reply.threadId));
  assert.equal(ids.size, 1, 'the queued tasks ran on the one thread');
  await closed;
  pool.resize(3);
  assert.equal(pool.options.maxThreads, 1);
});

// utilization divided the lifetime run time by the current maxThreads: right after growing 1 -> 16, a pool that had
// been busy all along showed a sixteenth of it. The time before a resize counts at the size it had.
test('stats.utilization counts the time before a resize at the size the pool had then', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  await pool.run({ ms: 300 }, { name: 'sleep' });
  const before = pool.stats.utilization;
  pool.resize(16);
  const after = pool.stats.utilization;
  assert.ok(before > 0);
  // Not equal: the microseconds between the two reads count at the new size.
  assert.ok(after > before / 2, `utilization ${before} before the resize, ${after} after`);
});

// #shrink sorted the starting threads only before the ready ones, ties in creation order: it retired the oldest thread
// still starting (the closest to ready) and kept the newest. The youngest go first.
test('shrinking retires the youngest of the threads still starting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-pool-shrink-'));
  const pool = new Pool({
    filename: new URL('./fixtures/slow-load.mjs', import.meta.url),
    minThreads: 0,
    maxThreads: 3,
    env: { ...process.env, HIVE_TEST_DIR: dir },
  });
  try {
    const created: number[] = [];
    const destroyed: number[] = [];
    pool.on('workerCreate', (info) => created.push((info as { threadId: number }).threadId));
    pool.on('workerDestroy', (info) => destroyed.push((info as { threadId: number }).threadId));
    // Each waits for a thread; the module holds every thread in its start until `go` exists.
    const runs = Array.from({ length: 3 }, (_, i) => pool.run(i));
    await waitFor(() => created.length === 3, 20_000, 'three starting threads');
    pool.resize(1);
    await waitFor(() => destroyed.length === 2, 20_000, 'two threads retired');
    assert.deepEqual(destroyed, [created[2], created[1]], 'the youngest two, youngest first');
    writeFileSync(join(dir, 'go'), '');
    assert.deepEqual(await Promise.all(runs), [0, 1, 2]);
    assert.equal(destroyed.length, 2, 'the oldest serves');
  } finally {
    // Before the pool is destroyed: a thread held in its start would otherwise hold the test.
    writeFileSync(join(dir, 'go'), '');
    await pool.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
