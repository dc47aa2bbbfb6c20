// A config app whose `cwd` is not a folder is refused up front, naming the key and the file, as a missing script is:
// it used to reach the daemon, whose spawn of the primary there failed with `spawn /usr/bin/node ENOENT` and left
// `hive start` waiting forever.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('a missing or non-directory cwd: ERR_HIVE_CONFIG naming apps[i] (name).cwd, in fork and cluster mode', async () => {
  const fileName = 'ecosystem.config.js';
  const file = join(hive.dir, fileName);
  const missing = join(hive.dir, 'app-typo');
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'typo', script: appFixture, cwd: missing }, `${missing} does not exist`],
    [{ name: 'typo', script: 'app.js', cwd: missing }, `${missing} does not exist`],
    [{ name: 'typo', script: daemonFixture('ticker.sh'), cwd: missing }, `${missing} does not exist`],
    [{ name: 'typo', script: appFixture, cwd: file }, `${file} is not a directory`],
  ];
  for (const [app, why] of cases) {
    hive.writeConfig([app], fileName);
    for (const command of ['start', 'startOrReload']) {
      const result = await hive.run([command, file]);
      assert.equal(result.code, 2, `${command} ${JSON.stringify(app)}: ${result.stderr}`);
      assert.equal(result.stderr, `hive ${command}: ERR_HIVE_CONFIG: ${file}: apps[0] (typo).cwd: ${why}\n`);
    }
  }
  assert.equal(await hive.daemonPid(), undefined, 'refused before the daemon was asked');
});
