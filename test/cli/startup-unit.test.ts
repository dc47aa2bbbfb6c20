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

test("PM2's `startup systemd` is accepted; another init system is refused naming the one Hive writes", async () => {
  const plain = await hive.json<{ unit: string }>(['startup']);
  const systemd = await hive.json<{ unit: string }>(['startup', 'systemd']);
  assert.equal(systemd.unit, plain.unit);
  const other = await hive.run(['startup', 'upstart']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /ERR_HIVE_INVALID_ARGUMENT: "upstart": Hive writes systemd units only/);
});
