// A worker that dies between tasks (a stray throw left by the task before) must not take down a task it was sent and
// had not started: that task runs on another worker, once, and the pool's 'error' event reports the death. Under
// `isolation: 'process'` the child never said when it started a task, so the pool took every task sent as started: it
// rejected the innocent task with ERR_HIVE_THREAD_EXITED and emitted no 'error'.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Pool } from 'hive/pool';
import { runCounts, within } from './helpers.js';

const fixture = new URL('./fixtures/stray-throw.mjs', import.meta.url);
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-unstarted-'));
  dirs.push(dir);
  return dir;
};

for (const isolation of ['thread', 'process'] as const) {
  test(`${isolation}: a task sent to a worker that died before starting it runs elsewhere; 'error' reports the death`, async () => {
    await using pool = new Pool({ filename: fixture, isolation, minThreads: 1, maxThreads: 1 });
    const dir = tempDir();
    const errors: (Error & { code?: string })[] = [];
    pool.on('error', (error) => errors.push(error));
    const stray = pool.run(null, { name: 'strayThrow' });
    const innocent = pool.run({ dir, index: 0 }, { name: 'record' });
    const settled = await within(Promise.allSettled([stray, innocent]), 60_000, 'both tasks');
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as { code?: string }).code)),
      ['stray', 0],
    );
    assert.deepEqual(runCounts(dir, 1), [1], 'the innocent task ran once');
    await within(
      (async () => {
        while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      20_000,
      "the 'error' event",
    );
    assert.deepEqual(
      errors.map((error) => error.code),
      ['ERR_HIVE_THREAD_EXITED'],
    );
    assert.match(errors[0]!.message, /stray throw after the task/);
  });

  test(`${isolation}: a task that had started when its worker died is rejected, never run again`, async () => {
    await using pool = new Pool({ filename: fixture, isolation, minThreads: 1, maxThreads: 1 });
    const dir = tempDir();
    const errors: Error[] = [];
    pool.on('error', (error) => errors.push(error));
    await assert.rejects(pool.run({ dir, index: 0 }, { name: 'recordThenExit' }), { code: 'ERR_HIVE_THREAD_EXITED' });
    assert.equal(await pool.run({ dir, index: 1 }, { name: 'record' }), 1);
    assert.deepEqual(runCounts(dir, 2), [1, 1]);
    assert.deepEqual(errors, [], 'the rejected task carries the failure');
  });
}

test('process: a task sent with transfer that its child died before starting rejects, saying so, and does not run', async () => {
  await using pool = new Pool({ filename: fixture, isolation: 'process', minThreads: 1, maxThreads: 1 });
  pool.on('error', () => {});
  const dir = tempDir();
  const buffer = new ArrayBuffer(8);
  const stray = pool.run(null, { name: 'strayThrow' });
  const moved = pool.run({ dir, index: 0, buffer }, { name: 'record', transfer: [buffer] });
  assert.equal(await stray, 'stray');
  await assert.rejects(within(moved, 60_000, 'the transfer task'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'ERR_HIVE_THREAD_EXITED');
    assert.match(error.message, /had not started; its transferred input was in the stopped process/);
    return true;
  });
  assert.deepEqual(runCounts(dir, 1), [0]);
});
