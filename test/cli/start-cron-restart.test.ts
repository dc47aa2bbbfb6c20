// `hive start --cron-restart` is read before the daemon is asked, with the validator a config file's cronRestart
// goes through at load: a malformed expression exits 2 and leaves no errored app (and no daemon) behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

const config = hive.writeConfig([{ name: 'cfg', script: appFixture, instances: 1 }], 'hive.config.json');

test('a malformed --cron-restart exits 2 before any daemon request, for a script and a config file', async () => {
  for (const [args, cron] of [
    [[appFixture, '--name', 'cron'], 'nope'],
    [[appFixture, '--name', 'cron'], '61 * * * *'],
    [[config], '0 3 * * * * * *'],
  ] as const) {
    const result = await hive.run(['start', ...args, '--cron-restart', cron]);
    assert.equal(result.code, 2, `--cron-restart ${cron}: ${result.stderr}`);
    assert.match(result.stderr, /--cron-restart: expected a cron expression like "0 3 \* \* \*", got /);
    assert.ok(result.stderr.includes(JSON.stringify(cron)), result.stderr);
  }
  assert.equal(await hive.daemonPid(), undefined, 'no daemon was started');
  assert.deepEqual(await hive.json(['ls']), []);
});

test('a valid --cron-restart is taken and shown by describe', async () => {
  const started = await hive.json<{ name: string }[]>([
    'start',
    appFixture,
    '--name',
    'nightly',
    '-i',
    '1',
    '--cron-restart',
    '0 3 * * *',
  ]);
  assert.deepEqual(
    started.map((app) => app.name),
    ['nightly'],
  );
  const described = await hive.json<{ cronRestart: string | null }>(['describe', 'nightly']);
  assert.equal(described.cronRestart, '0 3 * * *');
});
