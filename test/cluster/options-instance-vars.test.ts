// PM2's instance_var and increment_var reach the primary as HIVE_INSTANCE_VAR and HIVE_INCREMENT_VAR in the app's
// environment. The config schema checked them, but `hive run -e` and the Supervisor API went around it: instance 1
// listened on PORT + 1 beside the sticky router, and a name such as 'a b' was set as given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Supervisor } from '../../dist/cluster/index.js';
import { fixture, runHive } from './helpers.js';

const script = fixture('app.js');

test('the Supervisor refuses HIVE_INCREMENT_VAR=PORT with sticky, from its env or the primary environment', () => {
  const sticky = { script, instances: 2, port: 3000, sticky: 'ip' };
  assert.throws(() => new Supervisor({ ...sticky, env: { HIVE_INCREMENT_VAR: 'PORT' } }), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /HIVE_INCREMENT_VAR=PORT cannot be combined with `sticky`/,
  });
  process.env.HIVE_INCREMENT_VAR = 'PORT';
  try {
    assert.throws(() => new Supervisor(sticky), { code: 'ERR_HIVE_INVALID_ARGUMENT' });
    // The options' env wins over the primary's own.
    assert.equal(new Supervisor({ ...sticky, env: { HIVE_INCREMENT_VAR: 'OFFSET' } }).options.instances, 2);
  } finally {
    delete process.env.HIVE_INCREMENT_VAR;
  }
  // Without sticky each instance gets a port of its own (nginx upstreams), as in PM2.
  assert.equal(new Supervisor({ script, instances: 2, env: { HIVE_INCREMENT_VAR: 'PORT' } }).options.instances, 2);
});

test('the Supervisor refuses an instance or increment variable that is not an environment variable name', () => {
  for (const name of ['HIVE_INSTANCE_VAR', 'HIVE_INCREMENT_VAR']) {
    for (const bad of ['a b', '', '1X', 'A=B']) {
      assert.throws(() => new Supervisor({ script, instances: 1, env: { [name]: bad } }), {
        code: 'ERR_HIVE_INVALID_ARGUMENT',
        message: new RegExp(`Expected ${name} to be an environment variable name, got`),
      });
    }
    assert.equal(new Supervisor({ script, instances: 1, env: { [name]: '_Id2' } }).options.instances, 1);
  }
});

// reload() with a new environment (`--update-env`, `hive startOrReload`) went around the constructor's check: every
// replacement got `A` set to `B=0`. Refused as the constructor refuses, before anything is forked (nothing starts here).
test('reload() refuses the same values in its new env; the options env still wins over it', async () => {
  const supervisor = new Supervisor({ script, instances: 1 });
  for (const name of ['HIVE_INSTANCE_VAR', 'HIVE_INCREMENT_VAR']) {
    assert.throws(() => supervisor.reload({ env: { [name]: 'A=B' } }), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: new RegExp(`Expected ${name} to be an environment variable name, got "A=B"`),
    });
  }
  const sticky = new Supervisor({
    script,
    instances: 2,
    port: 3000,
    sticky: 'ip',
    env: { HIVE_INCREMENT_VAR: 'OFFSET' },
  });
  // Under the options' env, which the workers get over the new one: not refused (stopped first, so nothing starts).
  await sticky.stop();
  await assert.rejects(sticky.reload({ env: { HIVE_INCREMENT_VAR: 'PORT' } }), { code: 'ERR_HIVE_SUPERVISOR_STOPPED' });
  const plain = new Supervisor({ script, instances: 2, port: 3000, sticky: 'ip' });
  assert.throws(() => plain.reload({ env: { HIVE_INCREMENT_VAR: 'PORT' } }), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /HIVE_INCREMENT_VAR=PORT cannot be combined with `sticky`/,
  });
});

test('hive run -e HIVE_INCREMENT_VAR=PORT --sticky ip exits 2, nothing forked', async () => {
  const { code, stdout, stderr } = await runHive([
    'run',
    script,
    '-i',
    '2',
    '--port',
    '3000',
    '--sticky',
    'ip',
    '-e',
    'HIVE_INCREMENT_VAR=PORT',
  ]);
  assert.equal(code, 2, stdout + stderr);
  assert.match(stderr, /HIVE_INCREMENT_VAR=PORT cannot be combined with `sticky`/);
});
