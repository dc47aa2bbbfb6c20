// A config file's env variable that cannot reach the app: `"A=B": "x"` reached it as `A` set to `B=x`, an empty name
// was passed on, and a NUL byte in a name or a value made child_process throw when the app was forked, far from the
// file. Each is refused at load, naming the file and the key, in every format; any other name is passed as written
// (POSIX takes almost any name, PM2 passes them as given).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { write } = configFiles();

const refused = (file: string, key: string, why: RegExp) => (error: Error & Record<string, unknown>) => {
  assert.equal(error.code, 'ERR_HIVE_CONFIG');
  assert.equal(error.file, file);
  assert.equal(error.key, key);
  assert.match(error.message, why);
  return true;
};

const app = (env: string, key = 'env') => `{"apps":[{"name":"a","script":"a.js","${key}":${env}}]}`;

test('an empty name, "=" or NUL in a name, and NUL in a value are errors naming the file and key', async () => {
  const cases: [string, string, string, RegExp][] = [
    ['hive.config.json', app('{"A":"1","A=B":"x"}'), 'apps[0] (a).env.A=B', /first "=" ends the name.*"A" with "B="/],
    ['hive.config.json', app('{"":"x"}'), 'apps[0] (a).env[""]', /an empty variable name/],
    ['hive.config.json', app('{"A\\u0000B":"x"}'), 'apps[0] (a).env["A\\u0000B"]', /NUL byte in the variable name/],
    ['hive.config.json', app('{"A":"x\\u0000y"}'), 'apps[0] (a).env.A', /NUL byte in the value/],
    // PM2 files (translated), env_<name>, a bare array, YAML and JavaScript.
    [
      'ecosystem.config.json',
      app('{"=x":"1"}', 'env_production'),
      'apps[0] (a).env_production.=x',
      /first "=" ends the name/,
    ],
    ['ecosystem.json', '[{"name":"a","script":"a.js","env":{"A=":"1"}}]', 'apps[0] (a).env.A=', /first "="/],
    [
      'hive.config.yaml',
      'apps:\n  - name: a\n    script: a.js\n    env:\n      "": x\n',
      'apps[0] (a).env[""]',
      /empty/,
    ],
    [
      'ecosystem.config.cjs',
      "module.exports = { apps: [{ name: 'a', script: 'a.js', env: { A: 'x\\0y' } }] };",
      'apps[0] (a).env.A',
      /NUL byte in the value/,
    ],
  ];
  for (const [name, text, key, why] of cases) {
    const file = write(name, text);
    await assert.rejects(loadConfig(file), refused(file, key, why), `${name}: ${text}`);
  }
});

test('other names load as written: dots, dashes, non-ASCII, a leading digit', async () => {
  const env = { 'my.var': '1', 'a-b': '2', ÄÖ: '3', '1X': '4', A: 'B=C' };
  const file = write('ecosystem.config.json', JSON.stringify({ apps: [{ name: 'a', script: 'a.js', env }] }));
  const config = await loadConfig(file);
  assert.deepEqual({ ...config.apps[0]!.env }, env);
});
