// `hive start` checks the app's name where it reads it, as every other argument: exit 2 naming the flag (or the
// config file's key), not the daemon's ERR_HIVE_DAEMON_PROTOCOL with exit 1, and never an app named `all`.
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const dir = hive.dir;
const ticker = daemonFixture('ticker.sh');

test('a --name the daemon cannot take exits 2 naming it', async () => {
  for (const name of ['my app', '-x', 'a/b', 'x'.repeat(65)]) {
    const result = await hive.run(['start', ticker, `--name=${name}`]);
    assert.equal(result.code, 2, `--name ${name}: ${result.stderr}`);
    assert.match(
      result.stderr,
      /^hive start: ERR_HIVE_INVALID_ARGUMENT: --name ".*": expected letters, digits, "\.", "_" or "-"/,
    );
  }
  assert.deepEqual(await hive.json(['ls']), []);
});

test('an app is not named all: `all` means every app to the commands that take a target', async () => {
  const result = await hive.run(['start', ticker, '--name', 'all']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: --name "all": .*every app/);
  assert.deepEqual(await hive.json(['ls']), []);
});

test('a script whose base name is no app name exits 2 and says to give --name', async () => {
  const script = join(dir, '_job.sh');
  copyFileSync(ticker, script);
  const result = await hive.run(['start', script]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: the app name "_job" \(the script's base name\): .*--name/);
  assert.deepEqual(await hive.json(['ls']), []);
});

test('a config app whose name the daemon cannot take is ERR_HIVE_CONFIG naming the key; no app starts', async () => {
  const config = join(dir, 'hive.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      apps: [
        { name: 'ok', script: ticker, interpreter: 'none' },
        { name: 'my api', script: ticker, interpreter: 'none' },
      ],
    }),
  );
  const result = await hive.run(['start', config]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_CONFIG: .*hive\.config\.json: apps\[1\] \(my api\)\.name: expected letters/);
  assert.deepEqual(await hive.json(['ls']), []);
});
