// PM2's `filter_env` (what an app does not take from the shell of `hive start`) and `append_env_to_name` (`--env
// production` names the app `<name>-production`), as PM2's Common.prepareAppConf and _startJson apply them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

const shell = { HIVE_SHELL_PROBE: 'shell', SECRET_TOKEN: 's', AWS_KEY: 'a', MY_SECRET_2: 'm', KEEP_ME: 'k' };
const probed = ['HIVE_SHELL_PROBE', 'SECRET_TOKEN', 'AWS_KEY', 'MY_SECRET_2', 'KEEP_ME', 'OWN'];

async function envOf(name: string): Promise<Record<string, string>> {
  const env = await hive.json<Record<string, string>>(['env', name]);
  return Object.fromEntries(probed.filter((key) => key in env).map((key) => [key, env[key]!]));
}

test('filter_env drops all of the shell environment, one variable, or those whose names contain a string', async () => {
  const probe = daemonFixture('env-probe.sh');
  const apps = [
    { name: 'none', script: probe, filter_env: true, env: { OWN: 'o', EXPLICIT: 'e' } },
    { name: 'one', script: probe, filter_env: 'SECRET_TOKEN' },
    { name: 'some', script: probe, filter_env: ['SECRET', 'AWS_'] },
    { name: 'off', script: probe, filter_env: false },
  ];
  const file = hive.writeConfig(apps, 'ecosystem.config.js');
  await hive.json(['start', file], { env: shell });

  assert.deepEqual(await envOf('none'), { OWN: 'o' });
  assert.deepEqual(await envOf('one'), { HIVE_SHELL_PROBE: 'shell', AWS_KEY: 'a', MY_SECRET_2: 'm', KEEP_ME: 'k' });
  assert.deepEqual(await envOf('some'), { HIVE_SHELL_PROBE: 'shell', KEEP_ME: 'k' });
  assert.deepEqual(await envOf('off'), {
    HIVE_SHELL_PROBE: 'shell',
    SECRET_TOKEN: 's',
    AWS_KEY: 'a',
    MY_SECRET_2: 'm',
    KEEP_ME: 'k',
  });
  // The process itself runs so: without the shell's variable, with its own env.
  await waitFor(() => /probe= explicit=e /.test(hive.readLog('none-out.log')), "the filtered app's line");

  // A restart in a new shell (--update-env) is filtered as the start was.
  await hive.json(['restart', 'some', '--update-env'], { env: { ...shell, AWS_OTHER: 'x', KEEP_ME: 'new' } });
  assert.deepEqual(await envOf('some'), { HIVE_SHELL_PROBE: 'shell', KEEP_ME: 'new' });
});

test('--filter-env (PM2s flag, repeatable) leaves out of a script the variables whose names contain one', async () => {
  const probe = daemonFixture('env-probe.sh');
  await hive.json(['start', probe, '--name', 'flagged', '--filter-env', 'SECRET', '--filter-env', 'AWS'], {
    env: shell,
  });
  assert.deepEqual(await envOf('flagged'), { HIVE_SHELL_PROBE: 'shell', KEEP_ME: 'k' });
  const empty = await hive.run(['start', probe, '--name', 'empty', '--filter-env', '']);
  assert.equal(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /expected --filter-env to be part of a variable name/);
});

test('append_env_to_name names the app <name>-<env> under --env, and only then', async () => {
  const ticker = daemonFixture('ticker.sh');
  const apps = [
    { name: 'api', script: ticker, append_env_to_name: true, env_production: { A: '1' } },
    { name: 'jobs', script: ticker },
  ];
  const file = hive.writeConfig(apps, 'named.config.js');
  const production = await hive.json<{ name: string }[]>(['start', file, '--env', 'production']);
  assert.deepEqual(
    production.map((app) => app.name),
    ['api-production', 'jobs'],
  );
  const plain = await hive.json<{ name: string }[]>(['start', file, '--only', 'api']);
  assert.deepEqual(
    plain.map((app) => app.name),
    ['api'],
  );

  // A name the suffix makes too long is a config error naming the key as the file writes it, before anything starts.
  const entry = { name: 'a'.repeat(60), script: ticker, append_env_to_name: true, env_production: {} };
  const long = hive.writeConfig([entry], 'long.config.js');
  const refused = await hive.run(['start', long, '--env', 'production']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /ERR_HIVE_CONFIG: .*\.append_env_to_name: the name "a+-production" it makes with --env/);
});
