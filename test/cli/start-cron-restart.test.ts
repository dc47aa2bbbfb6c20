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

test('a bad cron schedule is said one way, flag or config key: the value, the field at fault, or never due', async () => {
  for (const [cron, why] of [
    ['*/61 * * * *', '(minute field "*/61": steps cannot be greater than maximum value of part (60))'],
    ['0 0 32 * *', '(day-of-month field "32": out of range 1-31)'],
    ['0 0 31 2 *', '(it is never due: no date matches it (February 31, a year gone by))'],
  ] as const) {
    const problem = `expected a cron expression like "0 3 * * *", got ${JSON.stringify(cron)} ${why}`;
    const flag = await hive.run(['start', appFixture, '--name', 'cron', '--cron-restart', cron]);
    assert.equal(flag.code, 2, flag.stderr);
    assert.equal(
      flag.stderr,
      `hive start: ERR_HIVE_INVALID_ARGUMENT: --cron-restart: ${problem}; see hive start --help\n`,
    );
    const file = hive.writeConfig([{ name: 'cr', script: appFixture, cron_restart: cron }], 'ecosystem.config.js');
    const loaded = await hive.run(['start', file]);
    assert.equal(loaded.code, 2, loaded.stderr);
    assert.equal(loaded.stderr, `hive start: ERR_HIVE_CONFIG: ${file}: apps[0] (cr).cron_restart: ${problem}\n`);
  }
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
  const described = await hive.json<{ cronRestart: string | null; nextCronRun: string | null }>([
    'describe',
    'nightly',
  ]);
  assert.equal(described.cronRestart, '0 3 * * *');
  // The next tick: the next 03:00 in the daemon's time zone (this process's: same machine, same TZ).
  const next = new Date(described.nextCronRun ?? '');
  assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 86_400_000, described.nextCronRun ?? 'null');
  assert.deepEqual([next.getHours(), next.getMinutes(), next.getSeconds()], [3, 0, 0]);
  const text = await hive.run(['describe', 'nightly']);
  assert.match(text.stdout, /^cron restart +0 3 \* \* \* \(next \d{4}-\d\d-\d\d 03:00:00 [+-]\d\d:\d\d\)$/m);
  // A stopped app's schedule does not run: no next tick shown.
  assert.equal((await hive.run(['stop', 'nightly'])).code, 0);
  const stopped = await hive.json<{ nextCronRun: string | null }>(['describe', 'nightly']);
  assert.equal(stopped.nextCronRun, null);
  assert.match((await hive.run(['describe', 'nightly'])).stdout, /^cron restart +0 3 \* \* \*$/m);
});
