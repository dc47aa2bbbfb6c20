// `env: { ...process.env, DEBUG: undefined }` (leave a variable out) gave a thread DEBUG="undefined", set and truthy,
// while a child process (isolation: 'process') went without it: Node's Worker turns every value into a string. Both
// isolations now leave such a variable out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';

const filename = new URL('./fixtures/env-read.mjs', import.meta.url);

for (const isolation of ['thread', 'process'] as const) {
  test(`an env entry set to undefined is left out of the worker's environment (isolation: '${isolation}')`, async () => {
    await using pool = new Pool({
      filename,
      isolation,
      maxThreads: 1,
      env: { HIVE_TEST_KEPT: 'yes', HIVE_TEST_LEFT_OUT: undefined },
    });
    assert.deepEqual(await pool.run('HIVE_TEST_LEFT_OUT'), { has: false, value: null });
    assert.deepEqual(await pool.run('HIVE_TEST_KEPT'), { has: true, value: 'yes' });
  });
}
