// An options refusal at new Pool() after some of its minThreads had started (the scheduler's construction loop): the
// constructor throws, with no pool returned to destroy them, so it must stop those threads itself. The refusal comes
// at the third thread: workerData whose getter throws once it was read for the constructor's check and two threads
// (worker_threads clones it at each start, on the calling thread).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { Pool } from '../../dist/pool/index.js';
import { fixture, waitFor } from './helpers.js';

// The threads of this process, worker threads among them (one each).
const threads = () => readdirSync('/proc/self/task').length;

test('a worker refused after two started: new Pool() throws ERR_HIVE_INVALID_ARGUMENT and no thread is left', async () => {
  // Node's own threads (the libuv pool) started by a pool that ran, so that the count below is the workers' alone.
  const warm = new Pool({ filename: fixture('tasks.mjs'), minThreads: 1, maxThreads: 1 });
  assert.equal(await warm.run(3), 3);
  await warm.destroy();
  await waitFor(() => warm.stats.threads === 0, 20_000, 'the warm-up pool gone');
  const before = threads();

  let reads = 0;
  const workerData = {
    get value() {
      reads++;
      if (reads > 3) throw new Error('refused at the third thread');
      return reads;
    },
  };
  assert.throws(
    () => new Pool({ filename: fixture('tasks.mjs'), minThreads: 4, maxThreads: 4, workerData }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_HIVE_INVALID_ARGUMENT');
      assert.equal(error.message, "worker_threads refused the pool's worker options: refused at the third thread");
      return true;
    },
  );
  assert.equal(reads, 4, 'checked once, two threads started, the third refused');
  // The two started are stopped: the process is back to its threads before.
  await waitFor(() => threads() <= before, 20_000, `the started threads stopped (${threads()} vs ${before})`);
});
