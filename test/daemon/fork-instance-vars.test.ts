// PM2 sets instance_var and increment_var in fork mode too (God.injectVariables): `exec_mode: 'fork', instances: 2,
// increment_var: 'PORT'` is two programs on two ports (a Next.js server forked per port behind nginx). Hive set them
// in cluster mode only and warned that a fork-mode app got NODE_APP_INSTANCE alone: both processes got the one PORT.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a fork-mode app gets instance_var and increment_var per instance, as PM2 sets them', async () => {
  const probe = join(hive.dir, 'probe.sh');
  writeFileSync(
    probe,
    [
      '#!/bin/sh',
      '[ -n "$NODE_APP_INSTANCE" ] && n="$NODE_APP_INSTANCE" || n=unset',
      'echo "instance=$INSTANCE_ID port=$PORT worker=$WORKER node_app_instance=$n"',
      "trap 'exit 0' TERM",
      'while true; do sleep 0.2; done',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const file = hive.writeConfig([
    {
      name: 'web',
      script: probe,
      exec_mode: 'fork',
      instances: 2,
      instance_var: 'INSTANCE_ID',
      increment_var: 'PORT',
      env: { PORT: 4100, WORKER: 'w' },
    },
  ]);
  const result = await hive.run(['start', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /instance_var|increment_var/);
  const lines = await waitFor(() => {
    const found = hive.readLog('web-out.log').match(/instance=.*$/gm) ?? [];
    return found.length === 2 ? [...found].sort() : undefined;
  }, 'both processes printing');
  assert.deepEqual(lines, [
    'instance=0 port=4100 worker=w node_app_instance=unset',
    'instance=1 port=4101 worker=w node_app_instance=unset',
  ]);
  const described = await hive.json<{ settings: { portPerInstance: boolean; port: number | null } }>([
    'describe',
    'web',
  ]);
  assert.equal(described.settings.portPerInstance, true);
  assert.equal(described.settings.port, 4100);
});

// A HIVE_INSTANCE_VAR or HIVE_INCREMENT_VAR that names no variable (`--env`, a config's `env`) failed a cluster app's
// start with an error naming it, but a fork-mode app started with it: `A=B` gave each process `A` set to `B=0`. Both
// primaries now make the one check (cluster/instance-vars.ts).
test('a fork-mode app refuses a HIVE_INSTANCE_VAR or HIVE_INCREMENT_VAR that is no variable name, as a cluster does', async () => {
  const cases: [string, string][] = [
    ['HIVE_INSTANCE_VAR', 'bad name'],
    ['HIVE_INCREMENT_VAR', 'A=B'],
  ];
  for (const [name, value] of cases) {
    const said: string[] = [];
    for (const mode of ['cluster', 'fork']) {
      const app = `${mode}-${name}`;
      const args = ['start', appFixture, '--name', app, '-i', '2', '--env', `${name}=${value}`];
      const result = await hive.run(mode === 'fork' ? [...args, '-x'] : args);
      assert.equal(result.code, 1, `${mode} ${name}: ${result.stderr}`);
      said.push(result.stderr.replace(`app "${app}"`, 'app'));
    }
    assert.equal(said[1], said[0], 'the fork-mode app failed as the cluster app does');
    assert.equal(
      said[0],
      `hive start: ERR_HIVE_APP_OPERATION: app: did not start: ERR_HIVE_INVALID_ARGUMENT: Expected ${name} to be an ` +
        `environment variable name, got ${JSON.stringify(value)} (string)\n`,
    );
  }
  // A config file's `env` reaches the fork primary the same way.
  const file = join(hive.dir, 'bad-var.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [{ name: 'bad', script: appFixture, exec_mode: 'fork', env: { HIVE_INCREMENT_VAR: 'A=B' } }],
    }),
  );
  const result = await hive.run(['start', file]);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /app "bad": did not start: ERR_HIVE_INVALID_ARGUMENT: Expected HIVE_INCREMENT_VAR /);
});

// The check was made at the start only: a reload in a new environment (`hive startOrReload` of a file whose `env`
// sets one) replaced every process, each with `A` set to `B=0`, in either mode. It now fails the reload first.
test('a reload whose new env has a HIVE_INSTANCE_VAR that is no variable name fails, its processes kept, in both modes', async () => {
  const apps = (env: Record<string, string>) => [
    { name: 'c-reload', script: appFixture, instances: 1, env },
    { name: 'f-reload', script: appFixture, exec_mode: 'fork', env },
  ];
  const file = hive.writeConfig(apps({}), 'reload-vars.config.json');
  const started = await hive.run(['start', file], { env: { PORT: '' } });
  assert.equal(started.code, 0, started.stderr);
  const pids = async () =>
    (await hive.json<{ name: string; processes: { pid: number }[] }[]>(['ls'])).flatMap((app) =>
      app.name.endsWith('-reload') ? app.processes.map((p) => p.pid) : [],
    );
  const before = await pids();
  hive.writeConfig(apps({ HIVE_INSTANCE_VAR: 'A=B' }), 'reload-vars.config.json');
  const result = await hive.run(['startOrReload', file], { env: { PORT: '' } });
  assert.equal(result.code, 1, result.stderr);
  for (const app of ['c-reload', 'f-reload']) {
    assert.match(
      result.stderr,
      // The daemon checks the new environment before it asks the primary to reload (app-environment.ts).
      new RegExp(
        `ERR_HIVE_INVALID_ARGUMENT: app "${app}": Expected HIVE_INSTANCE_VAR to be an environment variable name, got "A=B"`,
      ),
    );
  }
  assert.deepEqual(await pids(), before, 'no process was replaced');
});
