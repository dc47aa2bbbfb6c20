// `hive startup` prints a unit systemd reads as meant: HIVE_HOME absolute (the unit runs in /), values quoted.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('a relative HIVE_HOME with a space is written absolute and quoted', async () => {
  const cwd = hive.dir;
  const { unit } = await hive.json<{ unit: string }>(['startup'], { cwd, env: { HIVE_HOME: 'my hive' } });
  assert.ok(unit.includes(`Environment="HIVE_HOME=${join(cwd, 'my hive')}"\n`), unit);
  assert.match(unit, /^ExecStart=".+" ".+hive\.js" resurrect$/m);
});
