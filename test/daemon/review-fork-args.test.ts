// `hive start` reads a fork-mode app's arguments as its primary will: a bad size or count exits 2 before the daemon is
// asked, rather than a primary that throws and leaves the app in the table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();

const ticker = daemonFixture('ticker.sh');

test('a fork-mode script with a bad --max-memory-restart or -i exits 2 up front, leaving nothing in hive ls', async () => {
  for (const args of [
    ['--max-memory-restart', 'lots'],
    ['--max-memory-restart', '300 MiB'],
    ['-i', 'abc'],
  ]) {
    const result = await hive.run(['start', ticker, '--name', 'bad', '--no-autorestart', ...args]);
    assert.equal(result.code, 2, `hive start ticker.sh ${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: app "bad": /);
    assert.ok(result.stderr.includes(JSON.stringify(args[1])), result.stderr);
  }
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});

test("a config file's fork-mode app with a size the fork primary cannot read exits 2 up front", async () => {
  // A number the schema takes, but that reaches the primary's arguments as "1e+21".
  const config = hive.writeConfig([{ name: 'job', script: ticker, maxMemoryRestart: 1e21 }], 'hive.config.json');
  const result = await hive.run(['start', config]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: app "job": .*maxMemoryRestart/);
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
  const apps = await hive.json<{ name: string }[]>(['ls']);
  assert.deepEqual(apps, []);
});
