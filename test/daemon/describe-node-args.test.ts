// `hive describe` shows the Node.js flags an app runs with (a PM2 ecosystem file's `node_args`), as PM2's describe
// shows its `interpreter args`: before, they showed nowhere but in the processes' command lines.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome } from './helpers.js';

const hive = tempHome();

test("describe has a `node args` line with an ecosystem file's node_args, and none without", async () => {
  const config = join(hive.dir, 'ecosystem.config.js');
  writeFileSync(
    config,
    `module.exports = { apps: [
      { name: 'flags', script: ${JSON.stringify(appFixture)}, instances: 1, exec_mode: 'cluster',
        node_args: '--max-old-space-size=256 --no-warnings', env: { PORT: 0 } },
      { name: 'plain', script: ${JSON.stringify(appFixture)}, instances: 1, exec_mode: 'cluster', env: { PORT: 0 } },
    ] };\n`,
  );
  const started = await hive.run(['start', config]);
  assert.equal(started.code, 0, started.stderr);
  const flags = await hive.run(['describe', 'flags']);
  assert.equal(flags.code, 0, flags.stderr);
  assert.match(flags.stdout, /^node args +--max-old-space-size=256 --no-warnings$/m);
  const plain = await hive.run(['describe', 'plain']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, /^node args/m);
});
