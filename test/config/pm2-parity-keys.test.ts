// PM2 keys Hive once ignored or refused: `namespace` (checked as an app name is), `autostart`, `filter_env`,
// `append_env_to_name`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { write } = configFiles();

test('namespace of a PM2 file and of a Hive config is the app’s namespace, without a warning', async () => {
  const pm2 = write('ecosystem.config.json', '{"apps": [{"name": "a", "script": "a.js", "namespace": "jobs"}]}');
  const config = await loadConfig(pm2);
  assert.deepEqual(config.warnings, []);
  assert.equal(config.apps[0]!.namespace, 'jobs');
  const hive = write('hive.config.json', '{"apps": [{"name": "a", "script": "a.js", "namespace": "web"}]}');
  assert.equal((await loadConfig(hive)).apps[0]!.namespace, 'web');
});

test('a namespace that could not be typed as a target is an error naming the key', async () => {
  for (const [namespace, message] of [
    ['all', /taken: `all` means every app/],
    ['two words', /letters, digits/],
    ['', /letters, digits/],
  ] as const) {
    const file = write('ecosystem.config.json', JSON.stringify({ apps: [{ name: 'a', script: 'a.js', namespace }] }));
    await assert.rejects(loadConfig(file), (error: Error & Record<string, unknown>) => {
      assert.equal(error.code, 'ERR_HIVE_CONFIG');
      assert.equal(error.key, 'apps[0] (a).namespace');
      assert.match(error.message, message);
      return true;
    });
  }
});

test('autostart (PM2’s) loads as the app’s autostart, false as true', async () => {
  for (const autostart of [false, true]) {
    const file = write('ecosystem.config.json', JSON.stringify({ apps: [{ name: 'a', script: 'a.js', autostart }] }));
    const config = await loadConfig(file);
    assert.deepEqual(config.warnings, []);
    assert.equal(config.apps[0]!.autostart, autostart);
  }
});

test('filter_env and append_env_to_name load as filterEnv and appendEnvToName; a wrong type names the key', async () => {
  const file = write(
    'ecosystem.config.json',
    '{"apps": [{"name": "a", "script": "a.js", "filter_env": ["AWS_"], "append_env_to_name": true}]}',
  );
  const config = await loadConfig(file);
  assert.deepEqual(config.warnings, []);
  assert.deepEqual([config.apps[0]!.filterEnv, config.apps[0]!.appendEnvToName], [['AWS_'], true]);
  for (const [key, value] of [
    ['filter_env', 5],
    ['filter_env', ''],
    ['append_env_to_name', 'yes'],
  ] as const) {
    write('ecosystem.config.json', JSON.stringify({ apps: [{ name: 'a', script: 'a.js', [key]: value }] }));
    await assert.rejects(loadConfig(file), (error: Error & Record<string, unknown>) => {
      assert.equal(error.code, 'ERR_HIVE_CONFIG');
      assert.equal(error.key, `apps[0] (a).${key}`);
      return true;
    });
  }
});
