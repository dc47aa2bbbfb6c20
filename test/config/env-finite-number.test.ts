// YAML's `.inf` and `.nan` (JavaScript's Infinity and NaN) are numbers, yet an env variable holding one was refused as
// "expected a string, number or boolean"; one in `env_<name>` or a PM2 deploy target's env even named the whole
// `env_production` object ("expected an object of env vars"), a key the file may not have.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles, configRefusal } from './helpers.js';

const { write } = configFiles();

const finite = (value: string) =>
  `expected a string, a finite number or a boolean, got ${value}; quote it to pass it as text`;

const refusal = (file: string) => configRefusal(file);

test('an env value of .inf or .nan is said to be no finite number, naming the variable', async () => {
  const cases: [string, string, string, string][] = [
    ['ecosystem.config.yaml', 'env: { I: .inf }', 'apps[0] (a).env.I', 'Infinity'],
    ['hive.config.yaml', 'env: { I: -.inf }', 'apps[0] (a).env.I', '-Infinity'],
    ['hive.config.yml', 'env: { N: .nan }', 'apps[0] (a).env.N', 'NaN'],
    ['hive.config.yaml', 'env_production: { I: .inf }', 'apps[0] (a).env_production.I', 'Infinity'],
  ];
  for (const [name, env, key, value] of cases) {
    const file = write(name, `apps:\n  - name: a\n    script: a.js\n    ${env}\n`);
    assert.deepEqual(await refusal(file), { key, message: `${key}: ${finite(value)}` }, env);
  }
  // Quoted, it is text, passed as written.
  const quoted = await loadConfig(
    write('hive.config.yaml', "apps:\n  - name: a\n    script: a.js\n    env: { I: '.inf' }\n"),
  );
  assert.deepEqual(quoted.apps[0]!.env, { I: '.inf' });
});

test("a PM2 deploy target's env value is named by its own key", async () => {
  const file = write(
    'ecosystem.config.yml',
    'apps:\n  - name: a\n    script: a.js\ndeploy:\n  production:\n    env: { I: .inf }\n',
  );
  const { key, message } = await refusal(file);
  assert.equal(key, 'deploy.production.env.I');
  assert.equal(message, `deploy.production.env.I: ${finite('Infinity')}`);
  // What PM2 sets as its JSON (an object, null) stays so.
  const json = write(
    'ecosystem.config.yml',
    'apps:\n  - name: a\n    script: a.js\ndeploy:\n  production:\n    env: { O: { a: 1 }, N: null, S: s }\n',
  );
  assert.deepEqual((await loadConfig(json)).apps[0]!.env_production, { O: '{"a":1}', N: 'null', S: 's' });
});

test('other values keep their words; an env_<name> that is no object still says so', async () => {
  const nulls = await refusal(
    write('hive.config.yaml', 'apps:\n  - name: a\n    script: a.js\n    env: { A: null }\n'),
  );
  assert.equal(nulls.message, 'apps[0] (a).env.A: expected a string, number or boolean');
  const five = await refusal(
    write('hive.config.yaml', 'apps:\n  - name: a\n    script: a.js\n    env_production: 5\n'),
  );
  assert.equal(five.message, 'apps[0] (a).env_production: expected an object of env vars');
});
