// PM2 takes each key of its schema in camelCase too (lib/tools/Config.js makes the aliases), and `exec` for `script`.
// An ecosystem file written so (`logType`, `combineLogs`, `errFile`, `exec`) runs under PM2, and Hive refused it as
// "not a Hive or PM2 app option"; its camelCase PM2-only keys were not the warning their snake_case ones are either.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { writeJson: write, write: writeText } = configFiles();

test("PM2's camelCase aliases and `exec` translate as their PM2 keys do", async () => {
  const file = write('ecosystem.config.json', {
    apps: [
      {
        name: 'api',
        exec: 'server.js',
        logType: 'json',
        combineLogs: false,
        errFile: 'err.log',
        outLog: 'out.log',
        restartDelay: 100,
        pidFile: '/tmp/api.pid',
        sourceMapSupport: true,
      },
    ],
  });
  const { apps, warnings } = await loadConfig(file);
  const app = apps[0]!;
  assert.equal(app.script, 'server.js');
  assert.equal(app.logFormat, 'json');
  assert.equal(app.mergeLogs, false);
  assert.equal(app.errorFile, 'err.log');
  assert.equal(app.outFile, 'out.log');
  assert.equal(app.restartDelay, 100);
  // PM2 keys Hive does not act on: warned about by the name written, as their snake_case names are.
  assert.deepEqual(
    warnings.map((warning) => warning.replace(/: ignored: .*/, '')),
    [`${file}: apps[0] (api).pidFile`, `${file}: apps[0] (api).sourceMapSupport`],
  );
});

test('a camelCase PM2 key Hive does not support says so, and one set twice is a conflict', async () => {
  const unsupported = write('ecosystem.config.json', { apps: [{ name: 'a', script: 'a.js', namePrefix: 'x' }] });
  await assert.rejects(loadConfig(unsupported), (error: Error & { key?: string }) => {
    assert.equal(error.key, 'apps[0] (a).namePrefix');
    assert.match(error.message, /a PM2 option Hive does not support/);
    return true;
  });
  const twice = write('ecosystem.config.json', {
    apps: [{ name: 'a', script: 'a.js', log_type: 'json', logType: 'text' }],
  });
  await assert.rejects(loadConfig(twice), /apps\[0\] \(a\)\.logType: sets the same option as `log_type`/);
  // A key of neither is still an unknown key.
  const unknown = write('ecosystem.config.json', { apps: [{ name: 'a', script: 'a.js', maxMemoryRestrat: '1G' }] });
  await assert.rejects(loadConfig(unknown), /maxMemoryRestrat: unknown key: not a Hive or PM2 app option/);
});

// `log: undefined` (a variable unset where the file loads) after `log_file: 'x'` unset the log file: the later alias
// overwrote the earlier one with undefined.
test('an alias set to undefined does not override another alias of the same option', async () => {
  const file = writeText(
    'ecosystem.config.cjs',
    `module.exports = { apps: [{ name: 'a', script: 'a.js', log_file: 'all.log', log: undefined,
      out_file: undefined, output: 'out.log', error_file: 'err.log', err: undefined, interpreter_args: undefined,
      node_args: '--max-old-space-size=64', interpreterArgs: undefined }] };`,
  );
  const [app] = (await loadConfig(file)).apps;
  assert.equal(app!.logFile, 'all.log');
  assert.equal(app!.outFile, 'out.log');
  assert.equal(app!.errorFile, 'err.log');
  assert.equal(app!.nodeArgs, '--max-old-space-size=64');
});
