// PM2's deploy idiom: `pm2 reload ecosystem.config.js --env production` gives the file's running apps its `env` and
// `env_production` as they are now, rolling. `hive reload <config>` refused --env and kept the apps' old env; stop and
// delete of a config file refused --env too, which PM2 takes. Checked against pm2 7.0.4: a plain reload of the file
// switches the app to the file's `env` (an edit of it included), keeping the shell environment of the first start for
// an app the file gives an env, and taking the reloading shell's for one it gives none.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { freePort, get, startLoad } from '../cluster/helpers.js';
import { appFixture, daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();
const { dir } = hive;

const primary = (app: App | undefined) => app?.processes.find((p) => p.role === 'primary')?.pid;

test('hive reload <config> [--env <name>] gives the running apps the file env, rolling; restart takes --env too', async () => {
  const fileName = 'ecosystem.config.js';
  const file = join(dir, fileName);
  const port = await freePort();
  const write = (version: string) => {
    const app = {
      name: 'web',
      script: appFixture,
      instances: 2,
      env: { PORT: String(port), GREETING: version },
      env_production: { GREETING: `${version}-production` },
    };
    hive.writeConfig([app], fileName);
  };
  write('v2');
  const [web] = await hive.json<App[]>(['start', file], { env: { EXTRA: 'first' } });
  assert.equal((await get(port)).greeting, 'v2');

  // The file edited, then reloaded under keep-alive load: no request fails, each slot's replacement is ready before
  // its old process goes (the primary's rolling reload), and the primary stays.
  write('v3');
  const load = startLoad(port, 4);
  let reloaded: App[];
  try {
    await waitFor(() => load.stats.ok > 10, 'traffic before the reload');
    reloaded = await hive.json<App[]>(['reload', file], { env: { EXTRA: 'second' } });
  } finally {
    await load.stop();
  }
  assert.equal(load.stats.failed, 0, `no request failed during the reload: ${load.stats.errors.join(', ')}`);
  const [after] = reloaded;
  assert.equal(after!.id, web!.id);
  assert.equal(primary(after), primary(web), 'a reload, not a restart: the primary stayed');
  const oldPids = web!.processes.filter((p) => p.role !== 'primary').map((p) => p.pid);
  assert.deepEqual(
    after!.reload?.map((slot) => slot.oldPid).sort(),
    [...oldPids].sort(),
    'each old process replaced, slot by slot',
  );
  for (const slot of after!.reload ?? []) assert.ok(slot.newPid !== null && !oldPids.includes(slot.newPid));
  for (let i = 0; i < 4; i++) {
    const reply = await get(port);
    assert.equal(reply.greeting, 'v3', "the file's env as it is now");
    assert.equal(reply.extra, 'first', 'the environment of the start kept, as PM2 keeps it');
  }

  const [production] = await hive.json<App[]>(['reload', file, '--env', 'production']);
  assert.equal(production!.reload?.length, 2);
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).greeting, 'v3-production', 'env_production over env');

  // --update-env: this shell's environment under the file's env; a plain reload of the file goes back to its `env`.
  await hive.json(['reload', file, '-a'], { env: { EXTRA: 'third' } });
  for (let i = 0; i < 4; i++) assert.deepEqual(pick(await get(port)), { greeting: 'v3', extra: 'third' });
  // Kept once the reload has taken: what a restart of the app starts it in.
  const env = await hive.json<Record<string, string>>(['env', 'web']);
  assert.equal(env.GREETING, 'v3');

  // hive restart <config> --env <name>: a start of the file again, with its env_<name>; a new primary.
  const [restarted] = await hive.json<App[]>(['restart', file, '--env', 'production']);
  assert.notEqual(primary(restarted), primary(after));
  await waitFor(async () => (await get(port).catch(() => undefined))?.greeting === 'v3-production', 'env_production');
  await hive.json(['delete', file]);
});

const pick = ({ greeting, extra }: { greeting: unknown; extra: unknown }) => ({ greeting, extra });

test('reload, stop and delete <config> --env <name> find the apps start named with appendEnvToName', async () => {
  const probe = daemonFixture('env-probe.sh');
  const apps = [
    {
      name: 'job',
      script: probe,
      interpreter: 'none',
      append_env_to_name: true,
      env: { EXPLICIT: 'dev' },
      env_production: { EXPLICIT: 'prod' },
    },
    // No env in the file: a reload of it takes the reloading shell's environment, as PM2's does.
    { name: 'plain', script: probe, interpreter: 'none' },
  ];
  const file = hive.writeConfig(apps, 'jobs.config.js');
  const probes = (name: string) => hive.readLog(`${name}-out.log`).match(/probe=\S* explicit=\S*/g) ?? [];
  const started = await hive.json<App[]>(['start', file, '--env', 'production'], { env: { HIVE_SHELL_PROBE: 'a' } });
  assert.deepEqual(
    started.map((app) => app.name),
    ['job-production', 'plain'],
  );
  await waitFor(() => probes('job-production').length === 1 && probes('plain').length === 1, 'the start');

  const reloaded = await hive.json<App[]>(['reload', file, '--env', 'production'], {
    env: { HIVE_SHELL_PROBE: 'b' },
  });
  assert.deepEqual(
    reloaded.map((app) => [app.name, app.reload?.length]),
    [
      ['job-production', 1],
      ['plain', 1],
    ],
  );
  await waitFor(() => probes('job-production').length === 2 && probes('plain').length === 2, 'the reload');
  assert.deepEqual(probes('job-production'), ['probe=a explicit=prod', 'probe=a explicit=prod']);
  assert.deepEqual(probes('plain'), ['probe=a explicit=', 'probe=b explicit=']);

  // A name no app of the file defines env_<name> for: start's error, whichever command; nothing is done.
  const startError = await hive.run(['start', file, '--env', 'bogus']);
  assert.equal(startError.code, 2);
  const message = startError.stderr.split('\n')[0]!.replace(/^hive start: /, '');
  assert.match(message, /^ERR_HIVE_CONFIG: .*--env bogus: no app defines `env_bogus`/);
  for (const command of ['reload', 'stop', 'delete']) {
    const result = await hive.run([command, file, '--env', 'bogus']);
    assert.equal(result.code, 2, `${command}: ${result.stderr}`);
    assert.equal(result.stderr.split('\n')[0], `hive ${command}: ${message}`);
  }
  // --env of an app name (PM2 refuses it for reload and restart), and --env twice, are usage errors.
  for (const args of [
    ['stop', 'plain', '--env', 'production'],
    ['delete', 'plain', '--env', 'production'],
    ['reload', 'plain', '--env', 'production'],
    ['restart', 'plain', '--env', 'production'],
    ['stop', file, '--env', 'production', '--env', 'staging'],
  ]) {
    const result = await hive.run(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: --env picks/);
  }
  const statuses = async () =>
    Object.fromEntries((await hive.json<App[]>(['ls'])).map((app) => [app.name, app.status] as const));
  assert.deepEqual(await statuses(), { 'job-production': 'online', plain: 'online' });

  const stopped = await hive.json<App[]>(['stop', file, '--env', 'production']);
  assert.deepEqual(
    stopped.map((app) => [app.name, app.status]),
    [
      ['job-production', 'stopped'],
      ['plain', 'stopped'],
    ],
  );
  // Several targets: the config file's names under --env too.
  const deleted = await hive.run(['delete', file, 'plain', '--env', 'production']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /^deleted job-production, plain$/m);
  assert.deepEqual(await statuses(), {});
});
