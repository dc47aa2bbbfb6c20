// HIVE_POOL_THREADS and HIVE_CLUSTER_SIZE set to a value that is not a positive integer were read as unset, so a
// pool silently ran at another size than the one asked for. They are refused, naming the variable and the value.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { autoThreadCount, Pool } from 'hive/pool';
import { fixture } from './helpers.js';

const saved = { threads: process.env.HIVE_POOL_THREADS, size: process.env.HIVE_CLUSTER_SIZE };
after(() => {
  for (const [name, value] of [
    ['HIVE_POOL_THREADS', saved.threads],
    ['HIVE_CLUSTER_SIZE', saved.size],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('a bad HIVE_POOL_THREADS or HIVE_CLUSTER_SIZE is an ERR_HIVE_INVALID_ARGUMENT naming it', () => {
  for (const [env, message] of [
    [{ HIVE_POOL_THREADS: '0' }, /HIVE_POOL_THREADS to be a positive integer.*"0"/],
    [{ HIVE_POOL_THREADS: 'four' }, /HIVE_POOL_THREADS .*"four"/],
    [{ HIVE_POOL_THREADS: '2x' }, /HIVE_POOL_THREADS .*"2x"/],
    [{ HIVE_CLUSTER_SIZE: 'abc' }, /HIVE_CLUSTER_SIZE to be a positive integer.*"abc"/],
    [{ HIVE_CLUSTER_SIZE: '-1' }, /HIVE_CLUSTER_SIZE .*"-1"/],
  ] as const) {
    assert.throws(() => autoThreadCount(env, 8), { code: 'ERR_HIVE_INVALID_ARGUMENT', message }, JSON.stringify(env));
  }
  assert.equal(autoThreadCount({ HIVE_POOL_THREADS: '', HIVE_CLUSTER_SIZE: '' }, 8), 8, 'empty is unset');
  assert.equal(autoThreadCount({ HIVE_POOL_THREADS: '3', HIVE_CLUSTER_SIZE: 'abc' }, 8), 3, 'threads wins unread');
});

test("new Pool() with maxThreads 'auto' refuses it; an explicit maxThreads does not read it", async () => {
  process.env.HIVE_POOL_THREADS = '0';
  assert.throws(() => new Pool({ filename: fixture('tasks.mjs') }), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /HIVE_POOL_THREADS/,
  });
  const pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1 });
  assert.equal(await pool.run(5), 5);
  await pool.close();
  delete process.env.HIVE_POOL_THREADS;
});
