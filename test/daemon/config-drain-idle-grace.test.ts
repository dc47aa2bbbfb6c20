// `hive start` had no --drain-idle-grace and config files no drainIdleGrace: a daemon app always drained with the 1 s
// default, and the kill-timeout warning's advice (a grace below nginx's keepalive_timeout, a kill timeout above twice
// it) could not be followed for it. Both now reach the app's `hive run` primary, as --kill-timeout does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../cluster/helpers.js';
import { appFixture, type Described, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a config drainIdleGrace that is no duration is an ERR_HIVE_CONFIG naming the file, app and key as written', async () => {
  for (const [name, key] of [
    ['bad-grace.config.json', 'drainIdleGrace'],
    ['ecosystem.config.js', 'drain_idle_grace'],
  ] as const) {
    const app = { name: 'r', script: appFixture, instances: 1, [key]: 'soon' };
    const config = hive.writeConfig([app], name);
    const result = await hive.run(['start', config]);
    assert.equal(result.code, 2, result.stderr);
    const named = new RegExp(
      `ERR_HIVE_CONFIG: .*${name.replaceAll('.', '\\.')}: apps\\[0\\] \\(r\\)\\.${key}: expected a duration`,
    );
    assert.match(result.stderr, named);
  }
  const flag = await hive.run(['start', appFixture, '--drain-idle-grace', 'soon']);
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(flag.stderr, /ERR_HIVE_INVALID_ARGUMENT: .*`drainIdleGrace` to be a duration .*"soon"/);
  assert.deepEqual(await hive.json(['ls']), []);
});

test('drainIdleGrace on a fork-mode app is refused by name: a fork-mode program is stopped by its signal, not drained', async () => {
  const app = { name: 'f', script: appFixture, execMode: 'fork', drainIdleGrace: '2s' };
  const result = await hive.run(['start', hive.writeConfig([app], 'fork-grace.config.json')]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /ERR_HIVE_CONFIG: .*fork-grace\.config\.json: apps\[0\] \(f\)\.drainIdleGrace: a fork-mode app/,
  );
  const flag = await hive.run(['start', appFixture, '-x', '--drain-idle-grace', '2s']);
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(flag.stderr, /--drain-idle-grace needs a cluster app/);
  const onConfig = await hive.run([
    'start',
    hive.writeConfig([{ name: 'c', script: appFixture }], 'c.config.json'),
    '--drain-idle-grace',
    '2s',
  ]);
  assert.equal(onConfig.code, 2, onConfig.stderr);
  assert.match(onConfig.stderr, /--drain-idle-grace applies to a script; with a config file set it in the app's entry/);
  assert.deepEqual(await hive.json(['ls']), []);
});

test("a config drainIdleGrace reaches the app's primary (its kill-timeout warning), describe and the dump", async () => {
  // killTimeout 4s is above twice the default grace plus 1s (3s), not above twice 2s plus 1s (5s): only a primary that
  // drains with the file's grace warns.
  const apps = [
    {
      name: 'graced',
      script: appFixture,
      instances: 1,
      killTimeout: '4s',
      drainIdleGrace: '2s',
      env: { PORT: String(await freePort()) },
    },
    { name: 'plain', script: appFixture, instances: 1, kill_timeout: 4000, env: { PORT: String(await freePort()) } },
  ];
  const start = await hive.run(['start', hive.writeConfig(apps, 'ecosystem.config.cjs')]);
  assert.equal(start.code, 0, start.stderr);
  assert.match(
    start.stderr,
    /^hive start: warning: app "graced": --kill-timeout \(killTimeout\) 4s is not above twice --drain-idle-grace \(drainIdleGrace\) 2s /m,
  );
  const log = join(hive.home, 'daemon.log');
  await waitFor(
    () =>
      /graced: warning: --kill-timeout \(killTimeout\) 4s is not above twice --drain-idle-grace \(drainIdleGrace\) 2s /.test(
        readOrEmpty(log),
      ),
    'the warning in daemon.log',
  );
  // Both primaries are up (they warn before their workers start): the one without the key said nothing.
  await waitFor(async () => (await hive.json<Described>(['describe', 'plain'])).status === 'online', 'plain online');
  assert.doesNotMatch(readOrEmpty(log), /plain: warning: --kill-timeout/);

  assert.equal((await hive.json<Described>(['describe', 'graced'])).settings.drainIdleGrace, 2000);
  assert.equal((await hive.json<Described>(['describe', 'plain'])).settings.drainIdleGrace, 1000);
  const graced = (await hive.run(['describe', 'graced'])).stdout;
  assert.match(graced, /^drain idle grace {2,}2s$/m);
  // The listen timeout shows beside it (hive run's default), as `--json` has it.
  assert.match(graced, /^listen timeout {2,}10s$/m);

  const script = await hive.run(['start', appFixture, '--name', 'flagged', '-i', '1', '--drain-idle-grace', '1500ms'], {
    env: { PORT: String(await freePort()) },
  });
  assert.equal(script.code, 0, script.stderr);
  assert.equal((await hive.json<Described>(['describe', 'flagged'])).settings.drainIdleGrace, 1500);

  assert.equal((await hive.run(['save'])).code, 0);
  const dump = JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8')) as {
    apps: { name: string; runArgs: string[] }[];
  };
  const runArgs = (name: string) => dump.apps.find((app) => app.name === name)?.runArgs ?? [];
  assert.ok(runArgs('graced').includes('--drain-idle-grace=2s'), runArgs('graced').join(' '));
  assert.ok(runArgs('flagged').includes('--drain-idle-grace=1500ms'), runArgs('flagged').join(' '));
});
