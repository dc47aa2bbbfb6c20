// `hive start <config>` with a flag that only a script's app takes: exit 2 naming it, before any app starts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const dir = hive.dir;

const config = hive.writeConfig([{ name: 'cfg', script: appFixture, instances: 1 }], 'hive.config.json');

test('a script-only flag with a config file is refused, not silently dropped', async () => {
  for (const args of [
    ['--port', '4000'],
    ['--wait-ready'],
    ['--node-args=--max-old-space-size=100'],
    ['--max-memory-restart', '300M'],
    ['--watch'],
    ['--watch=src'],
    ['--metrics-port', '9100'],
  ]) {
    const result = await hive.run(['start', config, ...args]);
    assert.equal(result.code, 2, `hive start <config> ${args.join(' ')}: ${result.stderr}`);
    const flag = args[0]!.replace(/=.*/, '');
    assert.match(result.stderr, new RegExp(`${flag} applies to a script`), args.join(' '));
  }
});

test('script arguments after -- with a config file are refused, not dropped', async () => {
  const result = await hive.run(['start', config, '--', '--verbose']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /arguments after -- go to a script/);
});

test('--env names one env_<name> of a config file; two are refused', async () => {
  const result = await hive.run(['start', config, '--env', 'production', '--env', 'staging']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--env picks one.*production, staging/);
});

test('a bad -i, --port or size for a script exits 2 before the daemon is asked, leaving no errored app', async () => {
  for (const args of [
    ['-i', 'abc'],
    ['-i', '0.5'],
    ['--port', '70000'],
    ['--max-memory-restart', '5x'],
  ]) {
    const result = await hive.run(['start', appFixture, '--name', 'bad', ...args]);
    assert.equal(result.code, 2, `hive start ${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`app "bad": .*${JSON.stringify(args[1]!).replace(/[.]/g, '\\.')}`));
  }
  const config = await hive.run(['start', join(dir, 'hive.config.json'), '-i', 'many']);
  assert.equal(config.code, 2, config.stderr);
  assert.match(config.stderr, /app "cfg": .*"many"/);
  const apps = await hive.json<{ name: string }[]>(['ls']);
  assert.deepEqual(
    apps.map((app) => app.name),
    [],
  );
});

test('--ignore-watch without --watch is refused, not ignored', async () => {
  const result = await hive.run(['start', appFixture, '--name', 'iw', '--ignore-watch', 'node_modules']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--ignore-watch needs --watch/);
});

// PM2 splits the flag's value on spaces (as Hive splits a config file's ignore_watch string): one entry "data logs"
// ignored neither folder, and every change in them reloaded the app.
test('--ignore-watch "data logs" ignores both, as PM2 reads it; quotes keep a name with a space whole', async () => {
  const args = ['--watch', '--ignore-watch', 'data logs', '--ignore-watch', "'my files' *.tmp"];
  const started = await hive.run(['start', appFixture, '--name', 'iw-split', '-i', '1', ...args]);
  assert.equal(started.code, 0, started.stderr);
  const app = await hive.json<{ settings: { ignoreWatch: string[] } }>(['describe', 'iw-split']);
  assert.deepEqual(app.settings.ignoreWatch, ['data', 'logs', 'my files', '*.tmp']);
});

test('a value flag given twice is refused with both values, not last-one-wins', async () => {
  for (const [args, message] of [
    [['--port', '3000', '-p', '4000'], /--port is given twice \("3000", then "4000"\)/],
    [['-i', '2', '--instances', '3'], /--instances is given twice \("2", then "3"\)/],
    [['--watch=src', '--watch=lib'], /--watch is given twice \("src", then "lib"\)/],
  ] as const) {
    const result = await hive.run(['start', appFixture, '--name', 'twice', ...args]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});
