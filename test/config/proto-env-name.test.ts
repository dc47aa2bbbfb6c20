// A variable named `__proto__` in an app's `env` or `env_<name>`: JSON.parse and YAML make it an own key, but the
// PM2 translation (an assignment) and the schema's records (zod strips it) took it as a prototype, so the app ran
// without it and nothing said so. It is refused at load, naming the file and the key, as any other bad value is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { write } = configFiles();

const refused = (file: string, key: string) => (error: Error & Record<string, unknown>) => {
  assert.equal(error.code, 'ERR_HIVE_CONFIG');
  assert.equal(error.file, file);
  assert.equal(error.key, key);
  assert.match(error.message, /__proto__/);
  return true;
};

test('an env variable named __proto__ is an error naming the file and key, in every format', async () => {
  const cases: [string, string, string][] = [
    ['hive.config.json', '{"apps":[{"name":"a","script":"a.js","env":{"A":"1","__proto__":"x"}}]}', 'env'],
    [
      'ecosystem.config.json',
      '{"apps":[{"name":"a","script":"a.js","env":{"A":"1"},"env_production":{"__proto__":"x"}}]}',
      'env_production',
    ],
    // PM2's bare array of apps, and an object value (set as its JSON by PM2).
    ['ecosystem.json', '[{"name":"a","script":"a.js","env":{"__proto__":{"b":1}}}]', 'env'],
    ['hive.config.yaml', 'apps:\n  - name: a\n    script: a.js\n    env:\n      __proto__: x\n', 'env'],
    [
      'ecosystem.config.cjs',
      "module.exports = { apps: [{ name: 'a', script: 'a.js', env: { ['__proto__']: 'x' } }] };",
      'env',
    ],
  ];
  for (const [name, text, envKey] of cases) {
    const file = write(name, text);
    await assert.rejects(loadConfig(file), refused(file, `apps[0] (a).${envKey}.__proto__`), name);
  }
});

test('an app key named __proto__ is an unknown key, not the prototype of the app', async () => {
  // Taken as the prototype, its `script` used to be the app's.
  const file = write('ecosystem.config.json', '{"apps":[{"name":"a","__proto__":{"script":"a.js"}}]}');
  await assert.rejects(loadConfig(file), refused(file, 'apps[0] (a).__proto__'));
});

test('other names, Object.prototype ones among them, still load as they are', async () => {
  const file = write('hive.config.json', '{"apps":[{"name":"a","script":"a.js","env":{"constructor":"c","A":1}}]}');
  const config = await loadConfig(file);
  assert.deepEqual({ ...config.apps[0]!.env }, { constructor: 'c', A: 1 });
});
