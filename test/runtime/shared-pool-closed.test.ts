// A shared pool() the app closed or destroyed itself stayed registered: every later pool() call for that module
// returned it, and every run() on it was refused with ERR_HIVE_POOL_CLOSED for the rest of the process. The next call
// now makes a new one, with the options the first call gave; a pool still open is reused as before.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

const script = new URL('../fixtures/runtime-review/pool-closed.mjs', import.meta.url).pathname;

test('pool() after the app closed, destroyed or disposed of the shared pool gives a new, working one', () => {
  const lines = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { step: string } & Record<string, unknown>);
  const by = new Map(lines.map((line) => [line.step, line]));
  assert.deepEqual(by.get('first'), { step: 'first', value: 2 });
  assert.deepEqual(by.get('after close()'), {
    step: 'after close()',
    same: false,
    value: 4,
    maxThreads: 2,
    idleTimeout: 500,
  });
  assert.deepEqual(by.get('the closed one'), { step: 'the closed one', code: 'ERR_HIVE_POOL_CLOSED' });
  assert.deepEqual(by.get('other options'), { step: 'other options', code: 'ERR_HIVE_INVALID_ARGUMENT' });
  assert.deepEqual(by.get('after destroy()'), { step: 'after destroy()', same: false, value: 8 });
  assert.deepEqual(by.get('await using'), { step: 'await using', same: true, value: 10 });
  assert.deepEqual(by.get('after await using'), { step: 'after await using', same: false, value: 12 });
  assert.deepEqual(by.get('reused while open'), { step: 'reused while open', same: true });
});
