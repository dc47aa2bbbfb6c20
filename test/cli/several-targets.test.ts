// PM2 parity: `pm2 stop|restart|delete` take several targets (`pm2 restart api worker`, `pm2 delete 0 1`), each in
// turn. Hive takes the others too when one fails (PM2 stops at it), and exits 1.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, HiveHome, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

type App = { id: number; name: string; status: string; restarts: number; processes: { pid: number }[] };
const statuses = async () =>
  Object.fromEntries((await hive.json<App[]>(['ls'])).map((app) => [app.name, app.status] as const));

test('hive stop, restart and delete take several names, ids and config files, in turn', async () => {
  const ticker = daemonFixture('ticker.sh');
  for (const name of ['a', 'b', 'c']) await hive.json(['start', ticker, '--name', name]);
  const file = hive.writeConfig([{ name: 'd', script: ticker }], 'ecosystem.config.js');
  await hive.json(['start', file]);

  const stopped = await hive.json<App[]>(['stop', 'a', '1', file]);
  assert.deepEqual(
    stopped.map((app) => [app.name, app.status]),
    [
      ['a', 'stopped'],
      ['b', 'stopped'],
      ['d', 'stopped'],
    ],
  );
  assert.deepEqual(await statuses(), { a: 'stopped', b: 'stopped', c: 'online', d: 'stopped' });
  const restarted = await hive.json<App[]>(['restart', 'b', 'c']);
  assert.deepEqual(
    restarted.map((app) => [app.name, app.status]),
    [
      ['b', 'online'],
      ['c', 'online'],
    ],
  );

  // One that fails is said, by its own error, and the others are still taken.
  const deleted = await hive.run(['delete', 'a', 'nope', file]);
  assert.equal(deleted.code, 1, deleted.stderr);
  assert.match(deleted.stderr, /^hive delete: ERR_HIVE_APP_NOT_FOUND: .*"nope"/m);
  assert.equal(deleted.stdout, 'deleted a, d\n');
  assert.deepEqual(await statuses(), { b: 'online', c: 'online' });

  const only = await hive.run(['stop', file, 'b', '--only', 'd']);
  assert.equal(only.code, 2, 'one config file for --only');
  assert.match(only.stderr, /ERR_HIVE_INVALID_ARGUMENT: --only picks apps of one config file/);
  assert.deepEqual(await statuses(), { b: 'online', c: 'online' }, 'refused before anything was done');
});

test('several targets are resolved to apps first: each app taken once, an id never read again as a name', async () => {
  // A home of its own: the ids must start at 0.
  const own = new HiveHome();
  try {
    const ticker = daemonFixture('ticker.sh');
    for (const name of ['x', '0', 'y']) await own.json(['start', ticker, '--name', name]);
    const names = async () => (await own.json<App[]>(['ls'])).map((app) => [app.id, app.name, app.status]);
    assert.deepEqual(await names(), [
      [0, 'x', 'online'],
      [1, '0', 'online'],
      [2, 'y', 'online'],
    ]);

    const stopped = await own.json<App[]>(['stop', 'y', 'y', '2']);
    assert.deepEqual(
      stopped.map((app) => [app.name, app.status]),
      [['y', 'stopped']],
      'one app, listed once',
    );
    // Id 0 is app x, twice: app "0" (id 1) is no target here, even after x is gone.
    const deleted = await own.run(['delete', '0', '0']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, 'deleted x\n');
    assert.deepEqual(await names(), [
      [1, '0', 'online'],
      [2, 'y', 'stopped'],
    ]);

    // A target that names no app: ERR_HIVE_APP_NOT_FOUND and exit 1, the others still taken.
    const some = await own.run(['stop', 'nope', '0', '--json']);
    assert.equal(some.code, 1, some.stderr);
    assert.match(some.stderr, /^hive stop: ERR_HIVE_APP_NOT_FOUND: .*"nope"/m);
    assert.deepEqual(
      (JSON.parse(some.stdout) as App[]).map((app) => [app.name, app.status]),
      [['0', 'stopped']],
    );
  } finally {
    await own.cleanup();
  }
});

test("hive restart with a config file and another target says a config file must be restart's only target", async () => {
  const file = hive.writeConfig([{ name: 'e', script: daemonFixture('ticker.sh') }], 'alone.config.js');
  for (const args of [
    ['restart', 'api', file],
    ['restart', file, 'api', '--update-env'],
  ]) {
    const result = await hive.run(args);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /^hive restart: ERR_HIVE_INVALID_ARGUMENT: a config file must be restart's only target \(it starts the file again\), got "/,
    );
  }
});

// The daemon's error reply carries no app: `hive restart a b c` with a and c failing listed b alone (table and --json),
// where `hive restart all` lists all three as they are then. Several failures are one error naming each, as there.
test('hive restart of several targets lists the apps it failed on as they are now, then names each failure', async () => {
  const own = new HiveHome();
  try {
    const script = join(own.dir, 'app.cjs');
    writeFileSync(
      script,
      `if (require('node:fs').existsSync(${JSON.stringify(own.dir)} + '/fail-' + process.env.APP)) process.exit(1);
require('node:http').createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
`,
    );
    const names = ['a', 'b', 'c'];
    const apps = names.map((name) => ({ name, script, exec_mode: 'cluster', instances: 1, env: { APP: name } }));
    await own.json(['start', own.writeConfig(apps)]);
    for (const name of ['a', 'c']) writeFileSync(join(own.dir, `fail-${name}`), '');

    const json = await own.run(['restart', 'a', 'b', 'c', '--json']);
    assert.equal(json.code, 1, json.stderr);
    assert.deepEqual(
      (JSON.parse(json.stdout) as App[]).map((app) => [app.name, app.status]),
      [
        ['a', 'errored'],
        ['b', 'online'],
        ['c', 'errored'],
      ],
    );
    const lines = json.stderr.trim().split('\n');
    assert.equal(lines[0], 'hive restart: ERR_HIVE_APP_OPERATION: 2 of 3 apps failed (the 1 other restarted):');
    assert.match(lines.find((line) => line.includes('app "a"')) ?? '', /^ {2}ERR_HIVE_APP_OPERATION: app "a": /);
    assert.match(lines.find((line) => line.includes('app "c"')) ?? '', /^ {2}ERR_HIVE_APP_OPERATION: app "c": /);

    // The table the same; one failure is said as itself, and a target that names no app as before.
    rmSync(join(own.dir, 'fail-c'));
    const table = await own.run(['restart', 'c', 'nope', 'a']);
    assert.equal(table.code, 1, table.stderr);
    const rows = table.stdout.split('\n').map((line) => line.split(/\s+/));
    assert.deepEqual(
      rows.filter((cells) => names.includes(cells[1] ?? '')).map((cells) => [cells[1], cells[4]]),
      [
        ['c', 'online'],
        ['a', 'errored'],
      ],
      table.stdout,
    );
    assert.match(table.stderr, /^hive restart: ERR_HIVE_APP_NOT_FOUND: .*"nope"/m);
    assert.match(table.stderr, /^hive restart: ERR_HIVE_APP_OPERATION: app "a": /m);
  } finally {
    await own.cleanup();
  }
});
