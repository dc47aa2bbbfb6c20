import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { write } = configFiles();

// PM2 reads a .json config file as a JavaScript expression (Common.parseConfig), so an ecosystem.json with a comment
// or a trailing comma runs under PM2; Hive said only "not valid JSON", leaving the user to wonder why PM2 took it.
test('a PM2 .json file that PM2 reads as JavaScript is refused with why, and what to do', async () => {
  const hint = /^.*ecosystem\.json: not valid JSON \(PM2 reads a \.json file as a JavaScript object, .*\.config\.cjs/;
  for (const text of [
    '{\n  // the API\n  "apps": [{ "name": "api", "script": "api.js" }]\n}',
    '{ "apps": [{ "name": "api", "script": "api.js" },] }',
    "{ apps: [{ name: 'api', script: 'api.js' }] }",
  ]) {
    const file = write('ecosystem.json', text);
    await assert.rejects(loadConfig(file), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_HIVE_CONFIG');
      assert.match(error.message, hint);
      return true;
    });
  }
  // Broken as JavaScript too, and a Hive config (not read the PM2 way): the JSON error alone.
  for (const [name, text] of [
    ['ecosystem.json', '{ "apps": [{ "name": "api" "script": "api.js" }] }'],
    ['hive.config.json', '{ "apps": [{ "name": "api", "script": "api.js" },] }'],
  ] as const) {
    const file = write(name, text);
    await assert.rejects(loadConfig(file), (error: Error) => {
      assert.match(error.message, /not valid JSON: /);
      assert.doesNotMatch(error.message, /PM2 reads/);
      return true;
    });
  }
});
