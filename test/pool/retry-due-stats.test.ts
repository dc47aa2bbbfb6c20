// A retry whose timer fired while another worker was starting is still owed (the pool starts one at a time while
// retrying): stats.startRetry used to say pending: false then, as if no start were owed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'hive/pool';
import { waitFor, within } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-pool-retry-due-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('stats.startRetry.pending stays true while a due retry waits for a starting worker', async () => {
  writeFileSync(join(dir, 'broken'), '');
  await using pool = new Pool({
    filename: new URL('./fixtures/slow-load.mjs', import.meta.url),
    minThreads: 1,
    maxThreads: 2,
    startRetry: { delay: 50, maxDelay: 50 },
    env: { ...process.env, HIVE_TEST_DIR: dir },
  });
  const errors: Error[] = [];
  pool.on('error', (error) => errors.push(error));
  await waitFor(() => pool.stats.startRetry.pending, 20_000, 'the first retry');
  rmSync(join(dir, 'broken'));
  // No worker is left, so the task starts one at once; it stays in its start until `go` exists.
  const result = pool.run('x');
  await waitFor(() => pool.stats.threads === 1, 20_000, 'the starting worker');
  try {
    // The 50 ms timer fires while that worker is held starting. Once it is overdue, a timer set now runs after it (Node
    // runs due timers in the order they expire), so the check below comes after the retry timer's callback.
    await waitFor(() => pool.stats.startRetry.dueIn === 0, 20_000, 'the retry to fall due');
    await delay(1);
    assert.deepEqual(pool.stats.startRetry, { failedStarts: 1, pending: true, dueIn: 0 });
  } finally {
    // Else closing the pool would wait for the task forever.
    writeFileSync(join(dir, 'go'), '');
  }
  assert.equal(await within(result, 20_000, 'the task'), 'x');
  await waitFor(() => !pool.stats.startRetry.pending, 20_000, 'the retry taken or dropped');
  assert.equal(errors.length, 1);
});
