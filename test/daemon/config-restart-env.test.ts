// PM2 parity: `pm2 restart ecosystem.config.js` (and `pm2 start` of it again) re-reads the file's `env` but, for an app
// the file gives an env, keeps the environment it was started with; Hive's `--update-env` gives it the restarting shell's.
// Checked against pm2 7.0.4: `FOO=second pm2 restart ecosystem.config.js` leaves FOO as the first start's.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EnvResult } from '../../dist/daemon/protocol.js';
import { freePort } from '../cluster/helpers.js';
import { appFixture, daemonFixture, HiveHome, tempHome, waitFor } from './helpers.js';
import { connectTo } from './home-processes.js';

const hive = tempHome();
const dir = hive.dir;

const file = join(dir, 'ecosystem.config.js');
const lines = (app: string) => hive.readLog(`${app}-out.log`).match(/probe=\S* explicit=\S*/g) ?? [];

function writeConfig(explicit: string, names: string[]): void {
  const apps = names.map((name) => ({
    name,
    script: daemonFixture('env-probe.sh'),
    interpreter: 'none',
    env: { EXPLICIT: explicit },
  }));
  // `deploy` makes the loader warn: the warning must name the command run.
  writeFileSync(file, `module.exports = ${JSON.stringify({ apps, deploy: {} })};\n`);
}

async function step(args: string[], shell: string, count: number): Promise<string> {
  const result = await hive.run(args, { env: { HIVE_SHELL_PROBE: shell } });
  assert.equal(result.code, 0, result.stderr);
  await waitFor(() => lines('probe').length === count, `hive ${args.join(' ')}`);
  return result.stderr;
}

test('a config file restarted or started again keeps the environment of the first start, unless --update-env', async () => {
  writeConfig('one', ['probe']);
  await step(['start', file], 'first', 1);
  writeConfig('two', ['probe', 'probe2']);
  const stderr = await step(['restart', file], 'second', 2);
  assert.match(stderr, /^hive restart: \S*ecosystem\.config\.js: deploy: PM2 deploy is not supported/m);
  assert.doesNotMatch(stderr, /hive start:/);
  assert.equal(lines('probe')[1], 'probe=first explicit=two', "the file's env re-read, the shell's not taken");
  // An app the file adds meanwhile is a start: this shell's environment.
  await waitFor(() => lines('probe2').length === 1, 'the new app');
  assert.deepEqual(lines('probe2'), ['probe=second explicit=two']);

  await step(['start', file], 'third', 3);
  assert.equal(lines('probe')[2], 'probe=first explicit=two', 'a start of the file again is a restart of it');
  await step(['restart', file, '--update-env'], 'fourth', 4);
  assert.equal(lines('probe')[3], 'probe=fourth explicit=two');
  await step(['start', file, '-a', '--only', 'probe'], 'fifth', 5);
  assert.equal(lines('probe')[4], 'probe=fifth explicit=two');

  // A stopped app of the file keeps its environment too (PM2 restarts it by id the same way).
  assert.equal((await hive.run(['stop', file])).code, 0);
  await step(['restart', file], 'sixth', 6);
  assert.equal(lines('probe')[5], 'probe=fifth explicit=two', 'kept from the last --update-env');
});

// Checked against pm2 7.0.4 too: of an app with no `env` in the file (PM2 deletes an empty one before it would replace
// the process's), `FOO=second pm2 restart ecosystem.config.js` and `pm2 start` of it again give FOO=second.
test("an app the file gives no env (or an empty one) takes the restarting shell's environment, as PM2's", async () => {
  const apps = [
    { name: 'bare', script: daemonFixture('env-probe.sh'), interpreter: 'none' },
    { name: 'empty', script: daemonFixture('env-probe.sh'), interpreter: 'none', env: {} },
  ];
  const bare = hive.writeConfig(apps, 'bare.config.js');
  const run = async (args: string[], shell: string, count: number) => {
    const result = await hive.run(args, { env: { HIVE_SHELL_PROBE: shell } });
    assert.equal(result.code, 0, result.stderr);
    for (const app of ['bare', 'empty']) await waitFor(() => lines(app).length === count, `hive ${args.join(' ')}`);
  };
  await run(['start', bare], 'first', 1);
  await run(['restart', bare], 'second', 2);
  await run(['start', bare], 'third', 3);
  for (const app of ['bare', 'empty']) {
    assert.deepEqual(lines(app), ['probe=first explicit=', 'probe=second explicit=', 'probe=third explicit='], app);
  }
  assert.equal((await hive.run(['delete', bare])).code, 0);
});

test('an app of an older dump (no shellEnv of its own) restarted by its config file takes the shell environment', async () => {
  const own = new HiveHome();
  try {
    const apps = [{ name: 'old', script: daemonFixture('env-probe.sh'), interpreter: 'none', env: { EXPLICIT: 'x' } }];
    const config = hive.writeConfig(apps, 'old.config.js');
    const ownLines = () => own.readLog('old-out.log').match(/probe=\S* explicit=\S*/g) ?? [];
    const run = async (args: string[], shell: string, count: number) => {
      const result = await own.run(args, { env: { HIVE_SHELL_PROBE: shell } });
      assert.equal(result.code, 0, result.stderr);
      await waitFor(() => ownLines().length === count, `hive ${args.join(' ')}`);
    };
    await run(['start', config], 'first', 1);
    assert.equal((await own.run(['save'])).code, 0);
    assert.equal((await own.run(['kill'])).code, 0);
    // As a dump written before apps kept their starting shell's environment.
    const dump = join(own.home, 'dump.json');
    writeFileSync(
      dump,
      JSON.stringify(JSON.parse(readFileSync(dump, 'utf8')), (key, value) => (key === 'shellEnv' ? undefined : value)),
    );
    // The daemon this resurrect starts runs in this environment, and so does the app without a shellEnv.
    await run(['resurrect'], 'daemon', 2);
    await own.daemonPid();
    await run(['restart', config], 'restarting', 3);
    assert.deepEqual(ownLines(), ['probe=first explicit=x', 'probe=daemon explicit=x', 'probe=restarting explicit=x']);
  } finally {
    await own.cleanup();
  }
});

// QA finding: Hive adds variables of its own to an app's `env` (a fork-mode app's `port` as PORT, a python app's
// PYTHONUNBUFFERED, `--threads` as HIVE_POOL_THREADS), and an app so filled in counted as one the file gives an env:
// it kept the first start's shell environment on reload, restart, startOrReload and start of the file.
test("an app whose only env is Hive's additions (port, python, --threads) takes each start's shell environment", async () => {
  const python = 'interpreted.py';
  // The fork-mode apps do not listen (PORT is only their environment); the cluster app does.
  const apps = [
    { name: 'withport', script: daemonFixture('env-probe.sh'), interpreter: 'none', port: 43501 },
    { name: 'python', script: daemonFixture(python) },
    { name: 'empty', script: daemonFixture('env-probe.sh'), interpreter: 'none', env: {} },
    // An env of its own besides the port: the environment of the first start kept.
    {
      name: 'own',
      script: daemonFixture('env-probe.sh'),
      interpreter: 'none',
      port: 43502,
      env: { EXPLICIT: 'x' },
    },
  ];
  const forkFile = hive.writeConfig(apps, 'added-env.config.js');
  const cluster = hive.writeConfig(
    [{ name: 'threads', script: appFixture, instances: 1, port: await freePort(), env: {} }],
    'added-threads.config.js',
  );
  const seen: Record<string, string[]> = { withport: [], python: [], empty: [], own: [], threads: [] };
  // Each app's `hive env` after the last command: the variables Hive added are checked in it below.
  const envs: Record<string, Record<string, string>> = {};
  // The fork-mode apps' file through each command; the cluster app's through those that take --threads.
  for (const [command, threadsCommand, shell] of [
    ['start', 'start', 'first'],
    ['reload', 'startOrReload', 'second'],
    ['restart', 'startOrRestart', 'third'],
  ] as const) {
    for (const args of [
      [command, forkFile],
      [threadsCommand, cluster, '--threads', '2'],
    ]) {
      const result = await hive.run(args, { env: { HIVE_SHELL_PROBE: shell } });
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    }
    // The daemon's answer `hive env <app> --json` prints, asked on one connection: five CLI runs a round proved no more.
    const client = await connectTo(hive.home);
    try {
      for (const app of Object.keys(seen)) {
        envs[app] = (await client.request<EnvResult>('env', { target: app })).env;
        seen[app]!.push(envs[app]!.HIVE_SHELL_PROBE ?? 'none');
      }
    } finally {
      client.close();
    }
  }
  const each = ['first', 'second', 'third'];
  assert.deepEqual(seen, { withport: each, python: each, empty: each, own: Array(3).fill('first'), threads: each });
  assert.equal(envs.withport!.PORT, '43501');
  assert.equal(envs.python!.PYTHONUNBUFFERED, '1');
  assert.equal(envs.threads!.HIVE_POOL_THREADS, '2');
  assert.equal(envs.own!.PORT, '43502');
  assert.equal((await hive.run(['delete', forkFile])).code, 0);
  assert.equal((await hive.run(['delete', cluster])).code, 0);
});
