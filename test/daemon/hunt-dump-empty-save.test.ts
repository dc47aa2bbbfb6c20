import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonFixture, HiveHome } from './helpers.js';

const hive = new HiveHome();
after(() => hive.cleanup());

test('hive save with no app running keeps a dump that holds apps, unless --force', async () => {
  const dump = join(hive.home, 'dump.json');
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  await hive.json(['save']);
  const saved = readFileSync(dump, 'utf8');
  // A fresh daemon (a boot whose resurrect did not run): nothing runs.
  await hive.json(['kill']);
  const result = await hive.run(['save']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /no app runs; .*dump\.json keeps the apps it holds \(--force writes an empty list\)/);
  assert.equal(readFileSync(dump, 'utf8'), saved);
  const forced = await hive.json<{ apps: string[] }>(['save', '--force']);
  assert.deepEqual(forced.apps, []);
  assert.deepEqual((JSON.parse(readFileSync(dump, 'utf8')) as { apps: unknown[] }).apps, []);
  // An empty dump may be saved over again without --force.
  assert.deepEqual((await hive.json<{ apps: string[] }>(['save'])).apps, []);
});
