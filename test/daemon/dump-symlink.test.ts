// A dump.json the user made a symlink (to a volume, a config repository) was replaced by a plain file at the next
// save, and its target went stale. A save writes through the link, as PM2 writes its dump.
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonFixture, HiveHome } from './helpers.js';

const hive = new HiveHome();
const elsewhere = mkdtempSync(join(tmpdir(), 'hive-dump-target-'));
after(() => {
  hive.cleanup();
  rmSync(elsewhere, { recursive: true, force: true });
});

test('hive save writes through a dump.json symlink, dangling at first, and keeps the link', async () => {
  const link = join(hive.home, 'dump.json');
  const target = join(elsewhere, 'apps.json');
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  symlinkSync(target, link);
  await hive.json(['save']);
  assert.ok(lstatSync(link).isSymbolicLink(), 'dump.json is still the link');
  assert.match(readFileSync(target, 'utf8'), /"tick"/);
  await hive.json(['delete', 'tick']);
  await hive.json(['save', '--force']);
  assert.ok(lstatSync(link).isSymbolicLink(), 'dump.json is still the link after a second save');
  assert.doesNotMatch(readFileSync(target, 'utf8'), /"tick"/);
});
