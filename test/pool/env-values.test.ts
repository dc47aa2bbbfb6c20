// `new Pool({ env: { A: { x: 1 }, B: null } })` was accepted and the task saw A="[object Object]", B="null", while the
// Supervisor refuses a non-string env value and docs/pool.md says every option is checked. Refused now at
// construction, naming the key, in both isolations (one check with the Supervisor's: src/env-values.ts); a string or
// undefined (the variable left out, env-undefined.test.ts) is taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';

const filename = new URL('./fixtures/env-read.mjs', import.meta.url);

for (const isolation of ['thread', 'process'] as const) {
  test(`a non-string env value is refused, naming the key (isolation: '${isolation}')`, () => {
    for (const [env, pattern] of [
      [{ A: { x: 1 } }, /`env\.A` option to be a string.*got an object/],
      [{ OK: '1', B: null }, /`env\.B` option to be a string.*got null/],
      [{ C: 1 }, /`env\.C` option to be a string.*got 1 \(number\)/],
      [{ D: ['x'] }, /`env\.D` option to be a string.*got an array/],
    ] as const) {
      assert.throws(() => new Pool({ filename, isolation, maxThreads: 1, env: env as never }), {
        code: 'ERR_HIVE_INVALID_ARGUMENT',
        message: pattern,
      });
    }
  });
}
