// `hive restart all`, `hive reload all`, `hive start all`: the apps one after another, as a config file's are started.
// All at once, 20 apps of 4 processes on 2 cores overran their listen timeout, and most ended errored; and of several
// that failed, only the first was said.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { stepLine } from '../../dist/cli/app-steps.js';
import { doneSteps, inTerminal, ptySkip } from '../cli/pty.js';
import { tempHome } from './helpers.js';
import { requestOf } from './home-processes.js';

const names = ['a', 'b', 'c'];

// Three cluster apps of one process each. Each process writes `start <app>` as it loads and `listen <app>` right
// before it listens (so before the primary can see it ready), 300 ms apart; it exits 1 instead when `fail-<app>`
// is there.
function threeApps(hive: ReturnType<typeof tempHome>): { config: string; trace: string } {
  const trace = join(hive.dir, 'trace.txt');
  const script = join(hive.dir, 'app.cjs');
  writeFileSync(
    script,
    `const fs = require('node:fs');
const name = process.env.APP;
if (fs.existsSync(${JSON.stringify(hive.dir)} + '/fail-' + name)) {
  console.error('refusing to start: fail-' + name + ' is there');
  process.exit(1);
}
fs.appendFileSync(${JSON.stringify(trace)}, 'start ' + name + '\\n');
const late = fs.existsSync(${JSON.stringify(hive.dir)} + '/late');
// With \`late\` there: a crashes soon after it listens, and c listens only once a has, so that a is down before the
// command that restarts them all ends.
const crashed = () => fs.readFileSync(${JSON.stringify(trace)}, 'utf8').includes('exit a');
const listen = () => {
  if (late && name === 'c' && !crashed()) return setTimeout(listen, 50);
  fs.appendFileSync(${JSON.stringify(trace)}, 'listen ' + name + '\\n');
  // a's crash counts from its listening (the worker tells its primary in the same tick): counted from the call, a
  // handle slow to come from the primary on a loaded machine made a exit before it was ready, failing the restart.
  require('node:http')
    .createServer((req, res) => res.end(name))
    .listen(0, '127.0.0.1', () => {
      if (!late || name !== 'a') return;
      setTimeout(() => {
        fs.appendFileSync(${JSON.stringify(trace)}, 'exit a\\n');
        process.exit(1);
      }, 100);
    });
};
setTimeout(listen, 300);
`,
  );
  const config = hive.writeConfig(
    names.map((name) => ({
      name,
      script,
      exec_mode: 'cluster',
      instances: 1,
      env: { APP: name },
      // Past a loaded machine's slowest start: the test is about order, not time.
      listen_timeout: 60_000,
    })),
  );
  return { config, trace };
}

// The table's row of each app (a, b, c) has its status.
function assertRows(table: string, statuses: string[]): void {
  const rows = new Map(table.split('\n').map((line) => [line.split(/\s+/).find((cell) => /^[abc]$/.test(cell)), line]));
  for (const [i, name] of names.entries()) {
    assert.match(rows.get(name) ?? '', new RegExp(`\\b${statuses[i]}\\b`), table);
  }
}

const inTurn = names.flatMap((name) => [`start ${name}`, `listen ${name}`]);

// One daemon and one start of the three apps for the file (a daemon and a start per test were most of its time): each
// test leaves them online, but for the last four (from the one that makes two fail on).
const hive = tempHome();
const { config, trace } = threeApps(hive);
before(() => hive.json(['start', config]));

for (const command of ['restart', 'reload', 'start'] as const) {
  test(`hive ${command} all starts the apps' new processes one app after another`, async () => {
    // What `hive stop all` sends, on a connection of the test's: its output is not what is checked.
    if (command === 'start') await requestOf(hive.home, 'stop', { target: 'all' });
    writeFileSync(trace, '');
    const apps = await hive.json<{ name: string; status: string }[]>([command, 'all']);
    assert.deepEqual(
      apps.map((app) => [app.name, app.status]),
      names.map((name) => [name, 'online']),
    );
    assert.deepEqual(readFileSync(trace, 'utf8').trim().split('\n'), inTurn);
  });
}

// Each app's info was the one of the end of its turn: an app that crashed while the next ones restarted showed online
// with 0 restarts in the table and --json, where PM2's restart all ends with a fresh listing.
test('hive restart all --json shows the apps as they are once all are restarted, not as each ended its turn', async (t) => {
  // The restarts a has from the tests before: the crash must add to them.
  const [{ restarts: restartsBefore }] = await requestOf<[{ restarts: number }]>(hive.home, 'ls');
  const late = join(hive.dir, 'late');
  writeFileSync(late, '');
  // Back to a that stays up, for the next tests.
  t.after(async () => {
    rmSync(late);
    await hive.json(['restart', 'a']);
  });
  const apps = await hive.json<{ name: string; status: string; ready: number; total: number; restarts: number }[]>([
    'restart',
    'all',
  ]);
  assert.deepEqual(
    apps.map((app) => app.name),
    names,
  );
  const a = apps[0]!;
  assert.ok(a.status !== 'online' || a.ready < a.total || a.restarts > restartsBefore, JSON.stringify(a));
  for (const app of apps.slice(1)) assert.equal(app.status, 'online');
});

// A fleet command said `restart all...` and then nothing until the table, tens of seconds later with many apps.
test('hive restart all on a terminal says each app as it is done; piped or --json, nothing', {
  skip: ptySkip,
}, async () => {
  const output = await inTerminal(120, ['restart', 'all'], { HIVE_HOME: hive.home });
  assert.deepEqual(
    doneSteps(output),
    names.map((name) => `restart ${name}: done `),
    JSON.stringify(output),
  );
  // Piped and --json, nothing: the `hive restart all` and `--json` of the test after it, whose b is restarted (a restart
  // all of its own here was one more turn of the three apps to wait out).
  assert.equal(stepLine('restart', { id: 3, name: 'app03', ms: 640 }), 'restart app03: done (0.6 s)\n');
  assert.equal(
    stepLine('reload', { id: 3, name: 'app03', ms: 12_345, error: 'app "app03": exited with code 1\nmore' }),
    'reload app03: failed (12.3 s): app "app03": exited with code 1\n',
  );
});

// The daemon's error reply carries no apps: with one app of 40 failed, the table (and --json) of all 40 was gone.
test('hive restart all with two apps failing names each, with its code, and says the others were restarted', async (t) => {
  for (const name of ['a', 'c']) writeFileSync(join(hive.dir, `fail-${name}`), '');
  // a stays errored (c is restarted below): the next test deletes them.
  t.after(() => {
    for (const name of ['a', 'c']) rmSync(join(hive.dir, `fail-${name}`), { force: true });
  });
  writeFileSync(trace, '');
  const result = await hive.run(['restart', 'all']);
  assert.equal(result.code, 1, result.stderr);
  // Piped, no app is said done (b was), as on a terminal (the test before).
  assert.ok(!/: done \(/.test(result.stderr + result.stdout), result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines[0], 'hive restart: ERR_HIVE_APP_OPERATION: 2 of 3 apps failed (the 1 other restarted):');
  assert.match(lines.find((line) => line.includes('app "a"')) ?? '', /^ {2}ERR_HIVE_APP_OPERATION: app "a": /);
  assert.match(lines.find((line) => line.includes('app "c"')) ?? '', /^ {2}ERR_HIVE_APP_OPERATION: app "c": /);
  assert.match(result.stderr, /refusing to start: fail-a is there/);
  assert.ok(!result.stderr.includes('app "b"'), result.stderr);
  // b was restarted all the same, after a failed.
  assert.deepEqual(readFileSync(trace, 'utf8').trim().split('\n'), ['start b', 'listen b']);
  // Every app's row before the error, as they are now: a and c errored, b online.
  assertRows(result.stdout, ['errored', 'online', 'errored']);
  // One failure the same, and --json too: the apps, then the error on stderr, exit 1.
  rmSync(join(hive.dir, 'fail-c'));
  const json = await hive.run(['restart', 'all', '--json']);
  assert.equal(json.code, 1, json.stderr);
  assert.ok(!/: done \(/.test(json.stderr + json.stdout), json.stderr);
  assert.match(json.stderr, /^hive restart: ERR_HIVE_APP_OPERATION: app "a": /);
  const apps = JSON.parse(json.stdout) as { name: string; status: string }[];
  assert.deepEqual(
    apps.map((app) => [app.name, app.status]),
    [
      ['a', 'errored'],
      ['b', 'online'],
      ['c', 'online'],
    ],
  );
});

// Of a config file's apps, the one that failed was left out of the table and --json: a script saw two apps started.
test('hive start <config> lists an app that failed to start beside the others, errored, and exits 1', async () => {
  // New apps, as on a daemon that has none.
  await requestOf(hive.home, 'delete', { target: 'all' });
  writeFileSync(join(hive.dir, 'fail-b'), '');
  const result = await hive.run(['start', config, '--json']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /app "b"/);
  const apps = JSON.parse(result.stdout) as { name: string; status: string }[];
  assert.deepEqual(
    apps.map((app) => [app.name, app.status]),
    [
      ['a', 'online'],
      ['b', 'errored'],
      ['c', 'online'],
    ],
  );
});

// `hive start all` restarts every app too, and with one failing it said the error alone: no table, no --json.
test('hive start all with an app failing shows the apps as they are now, then the error, and exits 1', async () => {
  // b still fails (the test before).
  writeFileSync(trace, '');
  const result = await hive.run(['start', 'all']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^hive start: ERR_HIVE_APP_OPERATION: app "b": /);
  assert.deepEqual(readFileSync(trace, 'utf8').trim().split('\n'), ['start a', 'listen a', 'start c', 'listen c']);
  assertRows(result.stdout, ['online', 'errored', 'online']);
});

// Of a config file's apps, the first that failed to reload ended the command: the next were neither reloaded nor shown.
test('hive reload <config> goes on past an app that fails, shows the apps, then the error, and exits 1', async (t) => {
  rmSync(join(hive.dir, 'fail-b'));
  writeFileSync(join(hive.dir, 'fail-a'), '');
  t.after(() => rmSync(join(hive.dir, 'fail-a')));
  writeFileSync(trace, '');
  const result = await hive.run(['reload', config, '--json']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^hive reload: ERR_HIVE_RELOAD_ABORTED: app "a": /);
  // a keeps its old process; b (errored: started) and c (reloaded) were taken after it failed.
  assert.deepEqual(readFileSync(trace, 'utf8').trim().split('\n'), ['start b', 'listen b', 'start c', 'listen c']);
  const apps = JSON.parse(result.stdout) as { name: string; status: string; reload: unknown[] }[];
  assert.deepEqual(
    apps.map((app) => [app.name, app.status]),
    names.map((name) => [name, 'online']),
  );
  assert.equal(apps[2]!.reload.length, 1, result.stdout);
});
