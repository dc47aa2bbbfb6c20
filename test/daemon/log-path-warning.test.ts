// An app whose outFile / errorFile / logFile the daemon cannot write starts all the same (the file is tried again
// every second: hunt-logs-write-failure.test.ts), but `hive start` says so, naming the key and the file, instead of
// printing `online` and leaving the only trace in daemon.log.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../cluster/helpers.js';
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

// With `mergeLogs: false` the instances write `<stem>-<n>.log`: those are the files checked (an instance's file a
// folder went unsaid). The path given is checked too, for the primary's own rare lines that go there, and said so.
test("hive start with mergeLogs: false checks the files the instances write, and the primary's own", async () => {
  const dir = join(hive.dir, 'per-instance');
  mkdirSync(dir);
  const out = join(dir, 'out.log');
  mkdirSync(out);
  const err = join(dir, 'err.log');
  mkdirSync(join(dir, 'err-1.log'));
  const port = await freePort();
  const app = join(dir, 'api.js');
  writeFileSync(app, "require('node:http').createServer((q, s) => s.end('ok')).listen(process.env.PORT);\n");
  const config = join(dir, 'ecosystem.config.cjs');
  writeFileSync(
    config,
    `module.exports = { apps: [{ name: 'split', script: ${JSON.stringify(app)}, instances: 2, exec_mode: 'cluster', merge_logs: false, out_file: ${JSON.stringify(out)}, error_file: ${JSON.stringify(err)}, env: { PORT: '${port}' } }] };\n`,
  );
  const result = await hive.run(['start', config]);
  assert.equal(result.code, 0, result.stderr);
  const warnings = result.stderr.split('\n').filter((line) => line.startsWith('hive start: warning: '));
  assert.equal(warnings.length, 2, result.stderr);
  assert.match(
    warnings[0]!,
    /^hive start: warning: outFile \S+\/per-instance\/out\.log cannot be written \(it is a folder\): the primary's own lines for it are dropped/,
  );
  assert.match(
    warnings[1]!,
    /^hive start: warning: errorFile \S+\/per-instance\/err-1\.log cannot be written \(it is a folder\): the app's lines for it are dropped/,
  );
  await hive.json(['delete', 'split']);
});
