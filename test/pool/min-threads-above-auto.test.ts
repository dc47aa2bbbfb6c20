// `minThreads` above the automatic `maxThreads` (a 2-CPU container, or many cluster processes sharing the cores)
// raises maxThreads to minThreads, as piscina does, rather than refusing options that work on a bigger machine.
// An explicit maxThreads below minThreads stays an error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { autoThreadCount, Pool } from 'hive/pool';
import { fixture, waitFor } from './helpers.js';

// 'auto' divides the cores by HIVE_CLUSTER_SIZE: so many processes leave 1 thread each, whatever this machine has.
const saved = process.env.HIVE_CLUSTER_SIZE;
before(() => {
  process.env.HIVE_CLUSTER_SIZE = '4096';
});
after(() => {
  if (saved === undefined) delete process.env.HIVE_CLUSTER_SIZE;
  else process.env.HIVE_CLUSTER_SIZE = saved;
});

test('minThreads above the automatic maxThreads raises maxThreads to it, and starts that many threads', async () => {
  assert.equal(autoThreadCount(), 1);
  for (const maxThreads of [undefined, 'auto'] as const) {
    await using pool = new Pool({ filename: fixture('tasks.mjs'), minThreads: 3, maxThreads });
    assert.equal(pool.options.maxThreads, 3);
    assert.equal(pool.options.minThreads, 3);
    assert.equal(pool.options.maxQueue, 256 * 3, 'the default maxQueue follows the raised maxThreads');
    await waitFor(() => pool.stats.threads === 3, 20_000, 'three threads');
    assert.deepEqual(await Promise.all([1, 2, 3].map((n) => pool.run(n))), [1, 2, 3]);
  }
});

test('without minThreads, the automatic sizing is unchanged', async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs') });
  assert.equal(pool.options.maxThreads, 1);
  assert.equal(pool.options.minThreads, 1);
});

test('an explicit maxThreads below minThreads is still refused', () => {
  assert.throws(() => new Pool({ filename: fixture('tasks.mjs'), minThreads: 3, maxThreads: 1 }), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /`minThreads` option \(3\) to be at most `maxThreads` \(1\)/,
  });
});
