import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { dir, writeJson } = configFiles();

// PM2 expands a leading `~` of cwd and of the log files' paths to the home folder (Common.prepareAppConf). Hive took
// `error_file: '~/logs/api.err'` as written: a folder named `~` in the app's folder got the logs, and nothing said so.
test('a leading ~ of cwd and the log paths of a PM2 app is the home folder, as PM2 reads it', async () => {
  const file = writeJson('ecosystem.config.json', {
    apps: [
      {
        name: 'api',
        script: 'api.js',
        cwd: '~/srv/api',
        out_file: '~/logs/api.out',
        err_file: '~/logs/api.err',
        log_file: '~/logs/api.log',
      },
      // Only a leading one: elsewhere in a path it is a name like any other.
      { name: 'web', script: 'web.js', out_file: 'logs/~/web.out' },
    ],
  });
  const [api, web] = (await loadConfig(file)).apps;
  assert.equal(api!.cwd, join(homedir(), 'srv/api'));
  assert.equal(api!.outFile, join(homedir(), 'logs/api.out'));
  assert.equal(api!.errorFile, join(homedir(), 'logs/api.err'));
  assert.equal(api!.logFile, join(homedir(), 'logs/api.log'));
  assert.equal(web!.cwd, dir);
  assert.equal(web!.outFile, 'logs/~/web.out');
});

// PM2 writes no log for a path of NULL, as for /dev/null; Hive made a file named NULL in the app's folder.
test("a PM2 app's log path NULL is /dev/null, as PM2 reads it", async () => {
  const file = writeJson('ecosystem.config.json', {
    apps: [{ name: 'api', script: 'api.js', out_file: 'NULL', error_file: 'NULL', log_file: 'NULL', cwd: 'NULL' }],
  });
  const [api] = (await loadConfig(file)).apps;
  assert.deepEqual([api!.outFile, api!.errorFile, api!.logFile], ['/dev/null', '/dev/null', '/dev/null']);
  // A folder named NULL is one.
  assert.equal(api!.cwd, join(dir, 'NULL'));
});

// hive.config.* took `~/logs/api.err` as written while an ecosystem file expanded it: one app moved from PM2's format to
// Hive's had its logs go to a folder named `~`.
test('a leading ~ of cwd and the log paths is the home folder in a hive.config.* too', async () => {
  const file = writeJson('hive.config.json', {
    apps: [
      {
        name: 'api',
        script: 'api.js',
        cwd: '~/srv/api',
        outFile: '~/logs/api.out',
        errorFile: '~/logs/api.err',
        logFile: '~/logs/api.log',
      },
      { name: 'web', script: 'web.js', outFile: 'logs/~/web.out', logFile: true },
    ],
  });
  const [api, web] = (await loadConfig(file)).apps;
  assert.equal(api!.cwd, join(homedir(), 'srv/api'));
  assert.equal(api!.outFile, join(homedir(), 'logs/api.out'));
  assert.equal(api!.errorFile, join(homedir(), 'logs/api.err'));
  assert.equal(api!.logFile, join(homedir(), 'logs/api.log'));
  assert.equal(web!.outFile, 'logs/~/web.out');
  assert.equal(web!.logFile, true);
});
