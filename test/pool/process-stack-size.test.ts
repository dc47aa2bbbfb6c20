// Under isolation: 'process' resourceLimits.stackSizeMb became the child's --stack-size as it was: one at or above
// the OS's stack limit (ulimit -s, 8 MB by default) let V8 recurse past the end of the child's real stack, and deep
// recursion killed it with SIGSEGV, where a thread of that size throws a catchable RangeError. The flag is now capped
// under the OS's limit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/recurse.mjs', import.meta.url);

function osStackLimitMb(): number | undefined {
  try {
    const bytes = Number(/^Max stack size\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
    return Number.isFinite(bytes) && bytes > 0 ? bytes / 1024 / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const limitMb = osStackLimitMb();

test('a stackSizeMb above the OS stack limit gives a child deep recursion a RangeError, not a crash', {
  skip: limitMb === undefined ? 'no bounded stack limit in /proc/self/limits' : false,
}, async () => {
  for (const stackSizeMb of [limitMb!, limitMb! * 2]) {
    const pool = new Pool({ filename, maxThreads: 1, isolation: 'process', resourceLimits: { stackSizeMb } });
    try {
      const outcome = await within(
        pool.run(undefined).catch((error: Error) => `${error.name}: ${error.message}`),
        30_000,
        'the recursion',
      );
      assert.match(String(outcome), /^RangeError at depth \d+$/, `stackSizeMb ${stackSizeMb}`);
    } finally {
      await pool.destroy();
    }
  }
});
