import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('usage errors exit 2 and say what is wrong', async () => {
  // A folder of no config file: `hive start` alone starts the one of its folder, and the default cwd (the system's
  // temp folder) may hold a stray ecosystem.config.js, whose apps it would start in this daemon.
  const cwd = join(hive.dir, 'empty');
  mkdirSync(cwd);
  for (const [args, message] of [
    [['start'], /missing argument/],
    [['start', appFixture, '--bogus'], /bogus/],
    [['scale', 'api', 'many'], /<n>.*"many"/],
    [['stop'], /missing argument/],
    [['logs', '--lines', 'x'], /--lines/],
    [['start', 'no-such-script.js'], /no-such-script\.js/],
  ] as const) {
    const result = await hive.run([...args], { cwd });
    assert.equal(result.code, 2, `hive ${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});

test('commands on an unknown app exit 1 naming it; --help exits 0', async () => {
  for (const command of ['stop', 'restart', 'reload', 'delete', 'describe', 'flush']) {
    const result = await hive.run([command, 'ghost']);
    assert.equal(result.code, 1, command);
    assert.match(result.stderr, new RegExp(`hive ${command}: ERR_HIVE_APP_NOT_FOUND: .*"ghost"`));
  }
  const scale = await hive.run(['scale', 'ghost', '2']);
  assert.equal(scale.code, 1);
  assert.match(scale.stderr, /"ghost"/);
  for (const command of ['start', 'ls', 'logs', 'flush', 'kill', 'version', 'startup', 'save', 'resurrect']) {
    const help = await hive.run([command, '--help']);
    assert.equal(help.code, 0, command);
    assert.match(help.stdout, new RegExp(`Usage: hive ${command}`));
  }
});

test('an app that cannot start: exit 1 with its error, shown errored; the daemon stays up', async () => {
  const broken = join(hive.home, '..', 'broken.js');
  writeFileSync(broken, "throw new Error('boom at import');\n");
  const result = await hive.run(['start', broken, '-i', '1']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /hive start: ERR_HIVE_APP_OPERATION: app "broken": did not start/);
  assert.match(result.stderr, /boom at import/);
  const [app] = await hive.json<{ name: string; status: string; lastError: string }[]>(['ls']);
  assert.equal(app!.status, 'errored');
  const again = await hive.json<{ name: string }[]>(['delete', 'broken']);
  assert.equal(again[0]!.name, 'broken');
});

test('version, startup, and kill with no daemon', async () => {
  const version = await hive.run(['version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^hive \d+\.\d+\.\d+/);
  const startup = await hive.json<{ unit: string }>(['startup']);
  assert.match(startup.unit, /ExecStart=.* resurrect/);
  await hive.run(['kill']);
  const none = await hive.run(['kill']);
  assert.equal(none.code, 0);
  assert.match(none.stdout, /no daemon running/);
  const offline = await hive.json<{ daemon: string | null }>(['version']);
  assert.equal(offline.daemon, null);
});
