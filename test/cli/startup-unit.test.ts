// `hive startup` prints a unit systemd reads as meant: HIVE_HOME absolute (the unit runs in /), values quoted.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hiveBin, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
after(() => hive.cleanup());

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

test('a hive.js path with $, % and a space is escaped for ExecStart (systemd expands $VAR and %x there)', async () => {
  // A copy of this build under such a folder; its packages are this checkout's.
  const root = join(hive.dir, 'a $HOME 100%');
  const dist = new URL('../../dist', import.meta.url).pathname;
  const checkout = new URL('../..', import.meta.url).pathname;
  mkdirSync(root);
  cpSync(dist, join(root, 'dist'), { recursive: true });
  cpSync(join(checkout, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(checkout, 'node_modules'), join(root, 'node_modules'));
  const bin = join(root, 'dist', 'cli', hiveBin.split('/').at(-1)!);
  const result = await hive.run(['startup', '--json'], { bin, env: { HIVE_HOME: join(hive.dir, '$h') } });
  assert.equal(result.code, 0, result.stderr);
  const { unit } = JSON.parse(result.stdout) as { unit: string };
  const escaped = `"${join(hive.dir, 'a $$HOME 100%%', 'dist', 'cli', 'hive.js')}"`;
  assert.ok(unit.includes(`\nExecStart="${process.execPath}" ${escaped} resurrect\n`), unit);
  assert.ok(unit.includes(`\nExecReload="${process.execPath}" ${escaped} reload all\n`), unit);
  // Environment= expands no variable: its `$` stays one.
  assert.ok(unit.includes(`\nEnvironment="HIVE_HOME=${join(hive.dir, '$h')}"\n`), unit);
});
