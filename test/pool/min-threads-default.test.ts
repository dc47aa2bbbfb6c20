// The default minThreads is half of maxThreads, at most the cores: `maxThreads: 64` for I/O-bound tasks (a piscina
// habit) started 32 threads in the constructor, holding the event loop for seconds (300: 150 threads, 15 s), where
// piscina starts half the cores. Threads past the default start as tasks need them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { availableCores, Pool } from 'hive/pool';
import { fixture } from './helpers.js';

test('a large maxThreads starts at most the cores at construction, and grows with the tasks', async () => {
  const cores = availableCores();
  await using pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 64 });
  assert.equal(pool.options.minThreads, Math.min(32, cores));
  assert.equal(pool.stats.threads, Math.min(32, cores));
  const sleeps = Array.from({ length: cores + 4 }, () => pool.run({ ms: 300 }, { name: 'sleep' }));
  await Promise.all(sleeps);
  assert.ok(pool.stats.threads >= cores + 1, `${pool.stats.threads} threads for ${cores + 4} sleeping tasks`);
});

test('below the cores it is still half, and an explicit minThreads is kept as given', async () => {
  await using small = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 2 });
  assert.equal(small.options.minThreads, 1);
  await using explicit = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 64, minThreads: 3 });
  assert.equal(explicit.options.minThreads, 3);
  assert.equal(explicit.stats.threads, 3);
});
