// PM2's deploy scripts run `pm2 startOrReload ecosystem.config.js --env production`: the file's apps that run are
// reloaded (rolling: a cluster app keeps serving; with the file's env), the others started; startOrRestart restarts them.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { freePort, get } from '../cluster/helpers.js';
import { appFixture, daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();
const { dir } = hive;

const fileName = 'ecosystem.config.js';
const file = join(dir, fileName);
const primary = (app: App | undefined) => app?.processes.find((p) => p.role === 'primary')?.pid;

test('startOrReload reloads the running apps with the file env and starts the others; startOrRestart restarts', async () => {
  const port = await freePort();
  const apps = [
    {
      name: 'web',
      script: appFixture,
      instances: 2,
      env: { PORT: String(port), GREETING: 'dev' },
      env_production: { GREETING: 'prod' },
    },
    { name: 'tick', script: daemonFixture('ticker.sh'), interpreter: 'none' },
  ];
  hive.writeConfig(apps, fileName);
  const [web] = await hive.json<App[]>(['start', file, '--only', 'web']);
  assert.equal((await get(port)).greeting, 'dev');

  // Requests all through the reload: none fails, as a cluster app's slots roll one at a time.
  let reloading = true;
  let served = 0;
  const failures: string[] = [];
  const load = Array.from({ length: 2 }, async () => {
    while (reloading) {
      await get(port).then(
        () => (served += 1),
        (error: Error) => failures.push(error.message),
      );
    }
  });
  let reloaded: App[];
  try {
    await waitFor(() => served > 10, 'traffic before the reload');
    reloaded = await hive.json<App[]>(['startOrReload', file, '--env', 'production']);
  } finally {
    // Also when the reload fails: the loops must end, or they outlive the test and hide its error.
    reloading = false;
    await Promise.all(load);
  }
  assert.deepEqual(failures, [], 'no request failed during the reload');
  assert.deepEqual(
    reloaded.map((app) => [app.name, app.status]),
    [
      ['web', 'online'],
      ['tick', 'online'],
    ],
  );
  const webAfter = reloaded[0]!;
  assert.equal(webAfter.id, web!.id);
  assert.equal(webAfter.reload?.length, 2, 'both slots rolled');
  assert.equal(primary(webAfter), primary(web), 'a reload, not a restart: the primary stayed');
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).greeting, 'prod', "the file's env_production");

  // The alias, and --only: tick alone, reloaded. A fork-mode app has slots too, its process stopped then replaced.
  const tickBefore = reloaded[1]!;
  const [tick] = await hive.json<App[]>(['startOrGracefulReload', file, '--only', 'tick']);
  assert.equal(tick!.name, 'tick');
  assert.equal(primary(tick), primary(tickBefore));
  assert.equal(tick!.reload?.length, 1, 'its one slot rolled');

  // A stopped app is started, not reloaded.
  await hive.json(['stop', 'tick']);
  const [started] = await hive.json<App[]>(['start-or-reload', file, '--only', 'tick']);
  assert.equal(started!.status, 'online');
  assert.notEqual(primary(started), primary(tickBefore));

  const restarted = await hive.json<App[]>(['startOrRestart', file]);
  assert.deepEqual(
    restarted.map((app) => app.name),
    ['web', 'tick'],
  );
  assert.notEqual(primary(restarted[0]), primary(webAfter), 'a restart: a new primary');
  await waitFor(async () => (await get(port).catch(() => undefined))?.greeting === 'dev', 'the file env again');

  // For people: the reload's slots, as `hive reload` prints them, then the table.
  const text = await hive.run(['startOrReload', file, '--only', 'web']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^app\s+slot\s+old pid\s+new pid\s+ready in\nweb\s+0\s+\d+\s+\d+\s+\d+ ms\nweb\s+1\s/);
  assert.match(text.stdout, /\n\nid\s+name\s+mode.*\n\d+\s+web\s+cluster\s+2\/2\s+online/);
});

test('startOrReload and startOrRestart take a config file only, and refuse a script by name', async () => {
  const script = join(dir, 'server.js');
  writeFileSync(script, '');
  for (const command of ['startOrReload', 'startOrRestart', 'startOrGracefulReload']) {
    const result = await hive.run([command, script]);
    assert.equal(result.code, 2, command);
    const name = command === 'startOrGracefulReload' ? 'startOrReload' : command;
    assert.match(
      result.stderr,
      new RegExp(`^hive ${name}: ERR_HIVE_INVALID_ARGUMENT: ${name} takes a config file .*got ".*server\\.js"`, 'm'),
    );
  }
  const missing = await hive.run(['startOrReload']);
  assert.equal(missing.code, 2);
  assert.equal(
    missing.stderr,
    'hive startOrReload: ERR_HIVE_INVALID_ARGUMENT: missing argument; see hive startOrReload --help\n',
  );
  const help = await hive.run(['startOrRestart', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: hive startOrRestart <config>/);
});

test("startOrReload refuses start's options it would not apply to an app it reloads", async () => {
  hive.writeConfig([{ name: 'web', script: appFixture, instances: 1 }], fileName);
  const flags: [string[], string][] = [
    [['-i', '2'], '--instances \\(-i\\)'],
    [['--cron-restart', '0 3 * * *'], '--cron-restart'],
    [['--time'], '--time'],
    [['--log-format', 'json'], '--log-format'],
  ];
  for (const [args, name] of flags) {
    const result = await hive.run(['startOrReload', file, ...args]);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(
      result.stderr,
      new RegExp(
        `^hive startOrReload: ERR_HIVE_INVALID_ARGUMENT: ${name}: startOrReload takes only --only, --env, --threads, --update-env and --json, as it keeps a running app's options.*hive startOrRestart <config>`,
        'm',
      ),
    );
  }
});

test("startOrReload and startOrRestart take the calling shell's environment, as PM2's, without --update-env", async () => {
  const port = await freePort();
  // No env in the file: the port comes from the shell too. One process: which environment the app takes, not how its
  // slots roll (the first test's two-process web shows each slot's); a second was one more boot per reload and restart.
  hive.writeConfig([{ name: 'plain', script: appFixture, instances: 1 }], fileName);
  await hive.json(['start', file], { env: { PORT: String(port) } });
  assert.equal((await get(port)).extra, undefined);
  const [reloaded] = await hive.json<App[]>(['startOrReload', file], { env: { PORT: String(port), EXTRA: 'x' } });
  assert.equal(reloaded!.reload?.length, 1, 'a reload');
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).extra, 'x', "the reloading shell's EXTRA");
  await hive.json(['startOrRestart', file], { env: { PORT: String(port), EXTRA: 'y' } });
  await waitFor(async () => (await get(port).catch(() => undefined))?.extra === 'y', "the restarting shell's EXTRA");
  await hive.json(['startOrReload', file], { env: { PORT: String(port), EXTRA: 'z' } });
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).extra, 'z');
  await hive.json(['delete', 'plain']);
});

test('an app the file gives an env keeps the shell environment of its start, as in PM2 7, unless --update-env', async () => {
  // Checked against pm2 7.0.4: startOrReload and startOrRestart of such an app keep the first start's variables.
  const port = await freePort();
  // One process, as in the test before: the environment, not the slots.
  hive.writeConfig([{ name: 'kept', script: appFixture, instances: 1, env: { PORT: String(port) } }], fileName);
  await hive.json(['start', file], { env: { EXTRA: 'first' } });
  assert.equal((await get(port)).extra, 'first');
  const [reloaded] = await hive.json<App[]>(['startOrReload', file], { env: { EXTRA: 'second' } });
  assert.equal(reloaded!.reload?.length, 1, 'a reload');
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).extra, 'first', "the start's EXTRA, not this shell's");
  const [restarted] = await hive.json<App[]>(['startOrRestart', file], { env: { EXTRA: 'third' } });
  assert.equal(restarted!.status, 'online');
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).extra, 'first', "the start's EXTRA, not this shell's");
  await hive.json(['startOrReload', file, '--update-env'], { env: { EXTRA: 'fourth' } });
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).extra, 'fourth', "--update-env: this shell's");
  await hive.json(['delete', 'kept']);
});
