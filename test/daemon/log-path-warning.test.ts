// An app whose outFile / errorFile / logFile the daemon cannot write starts all the same (the file is tried again
// every second: hunt-logs-write-failure.test.ts), but `hive start` says so, naming the key and the file, instead of
// printing `online` and leaving the only trace in daemon.log.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();

test('hive start warns of a log path it cannot write, naming the key and the file, and the app starts', async () => {
  // A file where the log's folder should be (ENOTDIR, whoever runs the test), and a folder where the file should be.
  const blocker = join(hive.dir, 'blocker');
  writeFileSync(blocker, '');
  const folder = join(hive.dir, 'a-folder');
  mkdirSync(folder);
  const fine = join(hive.dir, 'missing', 'folders', 'err.log');
  writeFileSync(
    join(hive.dir, 'ecosystem.config.cjs'),
    `module.exports = { apps: [{ name: 'w', script: ${JSON.stringify(daemonFixture('ticker.sh'))}, out_file: ${JSON.stringify(
      join(blocker, 'out.log'),
    )}, error_file: ${JSON.stringify(fine)}, log_file: ${JSON.stringify(folder)} }] };\n`,
  );
  const result = await hive.run(['start', join(hive.dir, 'ecosystem.config.cjs')]);
  assert.equal(result.code, 0, result.stderr);
  const warnings = result.stderr.split('\n').filter((line) => line.startsWith('hive start: warning: '));
  assert.equal(warnings.length, 2, result.stderr);
  assert.match(warnings[0]!, /^hive start: warning: outFile \S+\/blocker\/out\.log cannot be written \(ENOTDIR/);
  assert.match(warnings[1]!, /^hive start: warning: logFile \S+\/a-folder cannot be written \(it is a folder\)/);
  const [app] = await hive.json<{ status: string }[]>(['ls']);
  assert.equal(app?.status, 'online');
});
