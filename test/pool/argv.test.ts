// piscina's `argv` option: extra process.argv entries for every worker (node's Worker `argv`; a child process's
// arguments under isolation: 'process'). Hive refused the key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture, within } from './helpers.js';

const argv = ['--mode', 'fast', 'two words', ''];

for (const isolation of ['thread', 'process'] as const) {
  test(`argv reaches every worker's process.argv (isolation: '${isolation}')`, async () => {
    await using pool = new Pool({ filename: fixture('argv.mjs'), minThreads: 2, maxThreads: 2, isolation, argv });
    const seen = await within(Promise.all([pool.run(null), pool.run(null), pool.run(null)]), 20_000, 'the tasks');
    for (const report of seen) assert.deepEqual(report, argv);
  });

  test(`without argv a worker's process.argv has no extra entries (isolation: '${isolation}')`, async () => {
    await using pool = new Pool({ filename: fixture('argv.mjs'), minThreads: 1, maxThreads: 1, isolation });
    assert.deepEqual(await within(pool.run(null), 20_000, 'the task'), []);
  });
}

test('argv is copied at construction: changing the array afterwards changes no worker', async () => {
  const mine = ['a'];
  await using pool = new Pool({ filename: fixture('argv.mjs'), minThreads: 0, maxThreads: 1, argv: mine });
  mine.push('b');
  assert.deepEqual(await within(pool.run(null), 20_000, 'the task'), ['a']);
  assert.deepEqual(pool.options.argv, ['a']);
});

test('argv other than an array of strings is refused, naming the key', () => {
  const sparse = ['a'];
  sparse[2] = 'b'; // a hole at 1, which every() would skip
  const cases: [unknown, RegExp][] = [
    ['--flag', /got "--flag" \(string\)/],
    [['a', 1], /got 1 \(number\) in the array/],
    [[{}], /in the array/],
    [sparse, /got undefined \(undefined\) in the array/],
    [null, /got null/],
    // exec would cut the string there: refused in both isolations, not only where a thread would take it.
    [['a\0b'], /in the array/],
  ];
  for (const [value, detail] of cases) {
    assert.throws(
      () => new Pool({ filename: fixture('argv.mjs'), argv: value as never }),
      (error: Error) => {
        assert.equal((error as { code?: string }).code, 'ERR_HIVE_INVALID_ARGUMENT');
        assert.match(error.message, /Expected the `argv` option to be an array of strings without NUL bytes/);
        assert.match(error.message, detail);
        return true;
      },
    );
  }
});
