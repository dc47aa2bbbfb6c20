import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { writeJson } = configFiles();

// PM2's `interpreter: 'node@18.20.0'` installs and runs that node through nvm. Hive took it for a program of that
// name: the file loaded, and the start failed at the daemon with "spawn node@18.20.0 ENOENT", naming no key or file.
test("PM2's node@<version> interpreter is ERR_HIVE_CONFIG naming the key as written and what to write", async () => {
  for (const key of ['interpreter', 'exec_interpreter']) {
    const file = writeJson('ecosystem.config.json', {
      apps: [{ name: 'api', script: 'api.js', [key]: 'node@18.20.0' }],
    });
    await assert.rejects(loadConfig(file), (error: Error & Record<string, unknown>) => {
      assert.equal(error.code, 'ERR_HIVE_CONFIG');
      assert.equal(error.key, `apps[0] (api).${key}`);
      assert.match(error.message, /node@<version> .*nvm.* is not supported: give that node's path/);
      return true;
    });
  }
  // A path to a node is not refused.
  const file = writeJson('ecosystem.config.json', {
    apps: [{ name: 'api', script: 'api.js', exec_mode: 'fork', interpreter: '/opt/node@18/bin/node' }],
  });
  assert.equal((await loadConfig(file)).apps[0]!.interpreter, '/opt/node@18/bin/node');
});
