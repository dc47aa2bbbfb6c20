// `--env __proto__=x` (hive start <script>, hive run): the name matches the KEY pattern, but the flag's record took it
// as a prototype, so the app ran without the variable and nothing said so. Refused with exit 2 as a bad --env is; a
// config file's `env.__proto__` fails `hive start <config>` the same way, naming the file and the key.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('hive start <script> --env __proto__=x exits 2 naming the variable, and asks no daemon', async () => {
  const result = await hive.run(['start', appFixture, '--env', '__proto__=x'], { cwd: hive.dir });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^hive start: .*--env __proto__: not a variable name Hive can pass on/);
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});

test('hive run <script> -e __proto__=x exits 2 naming the variable', async () => {
  const result = await hive.run(['run', appFixture, '-e', '__proto__=x', '--instances=1'], { cwd: hive.dir });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--env __proto__: not a variable name Hive can pass on/);
});

test('hive start <config> with env.__proto__ exits 2 with ERR_HIVE_CONFIG naming the file and key', async () => {
  const config = join(hive.dir, 'ecosystem.config.json');
  writeFileSync(
    config,
    JSON.stringify([{ name: 'p', script: appFixture }]).replace('"name"', '"env":{"__proto__":"x"},"name"'),
  );
  const result = await hive.run(['start', config], { cwd: hive.dir });
  assert.equal(result.code, 2, result.stderr);
  assert.ok(
    result.stderr.startsWith(`hive start: ERR_HIVE_CONFIG: ${config}: apps[0] (p).env.__proto__: `),
    result.stderr,
  );
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});
