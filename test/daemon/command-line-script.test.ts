// PM2 runs `pm2 start "npm run start"` (a script with spaces that is no file) in a shell; Hive runs no shell, and its
// refusal says how to give the same thing: the program, and its arguments after `--` (or a config file's `args`).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from './helpers.js';

const hive = tempHome();

test('hive start "npm run start" exits 2 with ERR_HIVE_SCRIPT_NOT_FOUND and the program and arguments apart', async () => {
  const result = await hive.run(['start', 'npm run start', '--name', 'web'], { cwd: hive.dir });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_SCRIPT_NOT_FOUND: no file "npm run start" here: a command line/);
  assert.ok(result.stderr.includes('`hive start npm -- run start`'), result.stderr);
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});

test("an ecosystem file's script that is a command line names the file, the app and the script/args to write", async () => {
  const config = join(hive.dir, 'ecosystem.config.js');
  writeFileSync(config, `module.exports = { apps: [{ name: 'web', script: 'node server.js --port 3000' }] };\n`);
  const result = await hive.run(['start', config], { cwd: hive.dir });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_CONFIG: .*apps\[0\] \(web\)\.script: no file "node server\.js --port 3000"/);
  assert.ok(result.stderr.includes('script: "node", args: "server.js --port 3000"'), result.stderr);
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});

test('a missing script with no space in it keeps the plain message', async () => {
  const result = await hive.run(['start', 'nothere.js'], { cwd: hive.dir });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_SCRIPT_NOT_FOUND: The script .*nothere\.js does not exist/);
});
