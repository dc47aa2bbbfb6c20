// A task that a shrink (resize() down) took back from its thread before it started keeps its timeout, which may then
// expire while it waits for another thread. It rejected with ERR_HIVE_TASK_TIMEOUT saying that its thread had died
// before starting it, when none had: the message now says that resize() took it back.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { waitFor, within } from './helpers.js';

const filename = new URL('./fixtures/busy-after-ready.mjs', import.meta.url);

test('a task taken back by a shrink and timing out unstarted says resize() took it back, not that its thread died', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-resize-timeout-'));
  const pool = new Pool({ filename, minThreads: 0, maxThreads: 2, env: { ...process.env, HIVE_TEST_DIR: dir } });
  try {
    // Two threads, each busy outside any task once its hold() answered: what they are sent stays unstarted.
    const holders = await within(
      Promise.all([pool.run(null, { name: 'hold' }), pool.run(null, { name: 'hold' })]),
      20_000,
      'the holds',
    );
    assert.equal(new Set(holders).size, 2, 'one hold on each thread');
    await waitFor(
      () => readdirSync(dir).filter((name) => name.startsWith('busy-')).length === 2,
      20_000,
      'busy threads',
    );
    // One task each, at the head of its thread's list: their timeouts run from now.
    const first = pool.run('first', { timeout: 1_000 });
    const second = pool.run('second');
    // Observed below; rejected by destroy() should an assertion fail first.
    second.catch(() => {});
    const firstOutcome = first.then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.equal(pool.stats.busy, 2, 'each thread holds one task');
    // Synchronously, before any timeout can expire: the first thread gives its unstarted task back and retires.
    pool.resize(1);
    const error = (await within(firstOutcome, 20_000, 'the timed-out task')) as Error & { code?: string };
    assert.ok(error instanceof Error, 'the first task rejected');
    assert.equal(error.code, 'ERR_HIVE_TASK_TIMEOUT');
    assert.match(error.message, /resize\(\) took it back from its thread before it started/);
    assert.doesNotMatch(error.message, /died/);
    // No thread was stopped for it: the remaining one runs its own task once free.
    writeFileSync(join(dir, 'go'), '');
    assert.equal(await within(second, 20_000, 'the second task'), 'second');
    assert.equal(pool.stats.threads, 1);
  } finally {
    await pool.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
