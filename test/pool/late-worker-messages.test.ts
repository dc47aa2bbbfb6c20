// Under isolation: 'process', a child's IPC channel still delivers what the child sent before the pool killed it.
// A READY or LOAD_FAILED already on its way from a starting child that a shrink (resize() down) stopped was taken as
// news from a live worker: a late READY counted the worker as started twice (the pool's count of starting workers
// went below zero), a late LOAD_FAILED reported a second 'error' for a worker the pool had stopped. Both are ignored.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { waitFor, within } from './helpers.js';

const filename = new URL('./fixtures/signals-after-load.mjs', import.meta.url);

/**
 * Blocks this process (so that it reads nothing from its children) until `count` children reported how their load
 * went: those reports then wait, undelivered, while the test stops workers.
 */
function blockUntilSent(dir: string, count: number): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 60_000;
  while (readdirSync(dir).filter((name) => name.startsWith('sent-')).length < count) {
    // A hang detector, not a timing check.
    if (Date.now() > deadline) throw new Error(`${count} children never reported their load`);
    Atomics.wait(nap, 0, 0, 5);
  }
}

/** A pool of up to two children of the fixture, which reports to `dir`; its 'error' events are kept in `errors`. */
function twoChildPool(dir: string): { pool: Pool; errors: Error[] } {
  const errors: Error[] = [];
  const pool = new Pool({
    filename,
    isolation: 'process',
    minThreads: 0,
    maxThreads: 2,
    env: { ...process.env, HIVE_TEST_DIR: dir },
  });
  pool.on('error', (error) => errors.push(error));
  return { pool, errors };
}

test("a late LOAD_FAILED from a child a shrink stopped emits no second 'error'", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-late-load-failed-'));
  writeFileSync(join(dir, 'broken'), '');
  const { pool, errors } = twoChildPool(dir);
  try {
    // Two tasks start two children; both fail to load, and both said so before the pool heard either.
    const runs = [pool.run('a'), pool.run('b')].map((run) => run.catch((error: unknown) => error));
    // The pool starts the children on a microtask.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    blockUntilSent(dir, 2);
    // The youngest starting child is stopped, its report unread.
    pool.resize(1);
    const outcomes = (await within(Promise.all(runs), 20_000, 'the tasks')) as Error[];
    for (const outcome of outcomes) assert.equal((outcome as Error & { code?: string }).code, 'ERR_HIVE_TASK_MODULE');
    // Both reports have been read once the pool is gone (its children's channels closed after their last message).
    await within(pool.destroy(), 20_000, 'destroy()');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(
      errors.length,
      1,
      `one 'error' for the one failed start the pool saw, got: ${errors.map((e) => e.message)}`,
    );
  } finally {
    await pool.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a late READY from a child a shrink stopped leaves the count of starting workers alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-late-ready-'));
  const alive = new Set<number>();
  const { pool, errors } = twoChildPool(dir);
  pool.on('workerCreate', (info) => alive.add((info as { pid: number }).pid));
  pool.on('workerDestroy', (info) => alive.delete((info as { pid: number }).pid));
  try {
    const runs = [pool.run('a'), pool.run('b')];
    for (const run of runs) run.catch(() => {});
    // The pool starts the children on a microtask.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    blockUntilSent(dir, 2);
    // The youngest starting child is stopped, its READY unread; the other serves both tasks.
    pool.resize(1);
    assert.deepEqual(await within(Promise.all(runs), 20_000, 'the tasks'), ['a', 'b']);
    await waitFor(() => alive.size === 1, 20_000, 'one worker left');
    // Now the module fails to load, and the pool's only worker dies: the next task starts a worker that fails to load
    // with none other starting or ready, so the task fails with it. With the count of starting workers below zero,
    // the pool believed another one was starting: the task waited, while the pool started one worker after another.
    writeFileSync(join(dir, 'broken'), '');
    const [survivor] = alive;
    process.kill(survivor!, 'SIGKILL');
    await waitFor(() => alive.size === 0, 20_000, 'the worker gone');
    const error = (await within(
      pool.run('c').catch((reason: unknown) => reason),
      20_000,
      'the task after the module broke',
    )) as Error & { code?: string };
    assert.equal(error.code, 'ERR_HIVE_TASK_MODULE');
    assert.ok(errors.length >= 1);
    for (const reported of errors) {
      assert.ok(
        ['ERR_HIVE_TASK_MODULE', 'ERR_HIVE_THREAD_EXITED'].includes((reported as Error & { code?: string }).code!),
      );
    }
  } finally {
    await pool.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
