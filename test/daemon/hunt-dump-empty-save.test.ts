import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, HiveHome, tempHome } from './helpers.js';

const hive = tempHome();

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

test('hive save --json says why it kept the dump, and which apps the kept dump holds', async () => {
  const other = new HiveHome();
  try {
    const dump = join(other.home, 'dump.json');
    await other.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
    const saved = await other.json(['save']);
    assert.deepEqual(saved, { saved: true, file: dump, apps: ['tick'] });
    await other.json(['kill']);
    const kept = await other.json(['save']);
    assert.deepEqual(kept, { saved: false, reason: 'no-app-running', file: dump, apps: [], kept: ['tick'] });
    // A dump that cannot be read is kept too (it may be repaired), its apps unknown.
    writeFileSync(dump, '{ not json');
    const unreadable = await other.json(['save']);
    assert.deepEqual(unreadable, { saved: false, reason: 'no-app-running', file: dump, apps: [], kept: null });
  } finally {
    await other.cleanup();
  }
});
