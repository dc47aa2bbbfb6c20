import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();

test('hive resurrect of a dump of another format version starts nothing and names the version', async () => {
  const dump = join(hive.home, 'dump.json');
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  await hive.json(['save']);
  await hive.json(['delete', 'tick']);
  const saved = JSON.parse(readFileSync(dump, 'utf8')) as { version: number };
  assert.equal(saved.version, 1);
  for (const version of [2, undefined]) {
    writeFileSync(dump, JSON.stringify({ ...saved, version }));
    const result = await hive.run(['resurrect']);
    assert.equal(result.code, 1, `version ${version}: ${result.stdout}`);
    assert.match(result.stderr, /ERR_HIVE_DUMP_INVALID/);
    assert.match(result.stderr, new RegExp(`version: expected 1, got ${version ?? 'none'}`));
  }
  assert.deepEqual(await hive.json(['ls']), []);
  writeFileSync(dump, JSON.stringify(saved));
  const resurrected = await hive.json<{ name: string }[]>(['resurrect']);
  assert.deepEqual(
    resurrected.map((app) => app.name),
    ['tick'],
  );
});
