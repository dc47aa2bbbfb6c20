// A config file that prints as it loads (`console.log('loading config')`, dotenv 17's `require('dotenv').config()`)
// printed onto the command's stdout: `--json` was no longer one JSON document, `hive edge nginx` no longer nginx's.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const file = join(hive.dir, 'j.config.js');
writeFileSync(
  file,
  "console.log('loading config');\nprocess.stdout.write('written\\n');\n" +
    `module.exports = { apps: [{ name: 'loud', script: ${JSON.stringify(daemonFixture('ticker.sh'))} }] };\n`,
);

test("what a config file prints while it loads goes to stderr: each command's --json stays one JSON document", async () => {
  for (const command of ['start', 'reload', 'startOrReload', 'stop', 'delete']) {
    const result = await hive.run([command, file, '--json']);
    assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    assert.doesNotThrow(() => JSON.parse(result.stdout), `hive ${command} --json printed: ${result.stdout}`);
    assert.match(result.stderr, /^loading config\nwritten\n/, command);
  }
  assert.deepEqual(await hive.json(['ls']), [], 'deleted');
});

test('hive edge nginx --config prints nginx config only', async () => {
  // Rendered, never listened on.
  const edge = join(hive.dir, 'edge.config.js');
  writeFileSync(
    edge,
    "console.log('loading config');\nmodule.exports = { apps: [{ name: 'web', script: 'a.js', port: 3000 }] };\n",
  );
  const result = await hive.run(['edge', 'nginx', '--config', edge]);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout, /loading config/);
  assert.match(result.stdout, /upstream /);
  assert.match(result.stderr, /^loading config\n/);
});
