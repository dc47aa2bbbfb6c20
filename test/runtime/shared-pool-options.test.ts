// pool(file, options) of hive/runtime called again with other options silently returned the first pool, without
// them. It is refused, naming what differs; a call without options or with the same ones still gets the pool.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

const script = new URL('../fixtures/runtime-review/pool-options.mjs', import.meta.url).pathname;

test('a second pool() call with different options throws ERR_HIVE_INVALID_ARGUMENT naming the keys', () => {
  const lines = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { name: string; same?: boolean; code?: string; message?: string });
  const by = new Map(lines.map((line) => [line.name, line]));
  assert.equal(by.get('no options')?.same, true);
  assert.equal(by.get('same options')?.same, true);
  assert.equal(by.get('a subset')?.same, true);
  assert.equal(by.get("'auto' as the default")?.same, true);
  const other = by.get('other maxThreads');
  assert.equal(other?.code, 'ERR_HIVE_INVALID_ARGUMENT');
  assert.match(other?.message ?? '', /pool\(".*task\.js"\) was created with other options \(maxThreads: 2 then 4\)/);
  const two = by.get('other idleTimeout and a new key');
  assert.equal(two?.code, 'ERR_HIVE_INVALID_ARGUMENT');
  assert.match(two?.message ?? '', /idleTimeout: 500 then 600, timeout: unset then 1000/);
  assert.equal(by.get('env after a scale')?.same, true, 'HIVE_CLUSTER_SIZE changed by a scale is no difference');
  const env = by.get('other env');
  assert.equal(env?.code, 'ERR_HIVE_INVALID_ARGUMENT');
  assert.match(env?.message ?? '', /created with other options \(env differs in "MODE"\)/);
  assert.doesNotMatch(env?.message ?? '', /hunter2|fast|slow|PATH/, 'no value of the env in the message');
  assert.equal(by.get('a file: string with ./')?.same, true, 'one pool per module, however its URL is written');
});
