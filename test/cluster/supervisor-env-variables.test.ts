// The programmatic Supervisor took any `env` of strings, while a config file, `--env`, the daemon's protocol and deploy
// refuse a variable no environment can hold (env-variable.ts): an empty name, `=` or NUL in a name, NUL in a value, and
// `__proto__` (dropped on the way). The constructor and reload() now refuse them too, naming `env.<key>`, before
// anything is forked: child_process would refuse a NUL only at the first fork, and `A=B` reach the app as `A`.
// Nothing here starts a process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Supervisor, type SupervisorOptions } from '../../dist/cluster/index.js';
import { unholdableEnv } from '../env-variables.js';

const script = new URL('../fixtures/cluster/app.js', import.meta.url).pathname;
const create = (extra: Record<string, unknown>) => new Supervisor({ script, ...extra } as SupervisorOptions);

test('the constructor refuses an env variable no environment can hold, naming env.<key>', () => {
  for (const [env, message] of unholdableEnv) {
    assert.throws(
      () => create({ env: { OK: '1', ...env } }),
      { code: 'ERR_HIVE_INVALID_ARGUMENT', message },
      JSON.stringify(Object.keys(env)),
    );
  }
  // What can be held still is: any other name, `=` in a value, an empty value.
  const supervisor = create({ env: { OK: '1', 'a.b-c': 'x=y', EMPTY: '' } });
  assert.deepEqual(supervisor.options.env, { OK: '1', 'a.b-c': 'x=y', EMPTY: '' });
});

test('reload() refuses them too, before anything is forked', () => {
  const supervisor = create({ instances: 1 });
  for (const [env, message] of unholdableEnv) {
    assert.throws(
      () => supervisor.reload({ env: { OK: '1', ...env } }),
      { code: 'ERR_HIVE_INVALID_ARGUMENT', message: new RegExp(`reload.*${message.source}`) },
      JSON.stringify(Object.keys(env)),
    );
  }
});

// The constructor refuses a HIVE_INSTANCE_VAR or HIVE_INCREMENT_VAR that names no variable (options.ts), but reload()
// took one in its new environment: the replacements got `A=B` as a variable's name.
test('reload() refuses a HIVE_INSTANCE_VAR or HIVE_INCREMENT_VAR that names no variable, as the constructor does', () => {
  const supervisor = create({ instances: 1 });
  for (const [name, value] of [
    ['HIVE_INSTANCE_VAR', 'A=B'],
    ['HIVE_INCREMENT_VAR', ''],
  ] as const) {
    const message = `Expected ${name} to be an environment variable name, got ${JSON.stringify(value)} (string)`;
    assert.throws(() => create({ env: { [name]: value } }), { code: 'ERR_HIVE_INVALID_ARGUMENT', message });
    assert.throws(() => supervisor.reload({ env: { [name]: value } }), { code: 'ERR_HIVE_INVALID_ARGUMENT', message });
  }
});
