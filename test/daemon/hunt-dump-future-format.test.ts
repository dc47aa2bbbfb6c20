// A dump of another format that has no `apps` array (a newer Hive's, after a downgrade) was refused as "expected an
// object with an `apps` array", not naming the version that is the reason, by `hive resurrect` and by `hive update`'s
// check of the dump it just wrote alike.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from './helpers.js';

test('hive resurrect of a dump of another version without `apps` names the version', async () => {
  const hive = tempHome();
  const dump = join(hive.home, 'dump.json');
  await hive.json(['ls']);
  writeFileSync(dump, JSON.stringify({ version: 2, processes: [{ name: 'api', script: 'app.js' }] }));
  const result = await hive.run(['resurrect']);
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stderr, /ERR_HIVE_DUMP_INVALID: .*dump\.json .*version: expected 1, got 2/);
  // A dump of this format that lost its apps still says so.
  writeFileSync(dump, JSON.stringify({ version: 1 }));
  const noApps = await hive.run(['resurrect']);
  assert.equal(noApps.code, 1, noApps.stdout);
  assert.match(noApps.stderr, /expected an object with an `apps` array/);
});
