// `hive restart all`, `hive reload all`, `hive start all`: the apps one after another, as a config file's are started.
// All at once, 20 apps of 4 processes on 2 cores overran their listen timeout, and most ended errored; and of several
// that failed, only the first was said.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stepLine } from '../../dist/cli/app-steps.js';
import { inTerminal, ptySkip } from '../cli/pty.js';
import { tempHome } from './helpers.js';

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
  require('node:http').createServer((req, res) => res.end(name)).listen(0, '127.0.0.1');
  if (late && name === 'a') {
    setTimeout(() => {
      fs.appendFileSync(${JSON.stringify(trace)}, 'exit a\\n');
      process.exit(1);
    }, 100);
  }
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

const inTurn = names.flatMap((name) => [`start ${name}`, `listen ${name}`]);

for (const command of ['restart', 'reload', 'start'] as const) {
  test(`hive ${command} all starts the apps' new processes one app after another`, async () => {
    const hive = tempHome();
    const { config, trace } = threeApps(hive);
    await hive.json(['start', config]);
    if (command === 'start') await hive.json(['stop', 'all']);
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
test('hive restart all --json shows the apps as they are once all are restarted, not as each ended its turn', async () => {
  const hive = tempHome();
  const { config } = threeApps(hive);
  await hive.json(['start', config]);
  writeFileSync(join(hive.dir, 'late'), '');
  const apps = await hive.json<{ name: string; status: string; ready: number; total: number; restarts: number }[]>([
    'restart',
    'all',
  ]);
  assert.deepEqual(
    apps.map((app) => app.name),
    names,
  );
  const a = apps[0]!;
  assert.ok(a.status !== 'online' || a.ready < a.total || a.restarts > 0, JSON.stringify(a));
  for (const app of apps.slice(1)) assert.equal(app.status, 'online');
});

// A fleet command said `restart all...` and then nothing until the table, tens of seconds later with many apps.
test('hive restart all on a terminal says each app as it is done; piped or --json, nothing', {
  skip: ptySkip,
}, async () => {
  const hive = tempHome();
  const { config } = threeApps(hive);
  await hive.json(['start', config]);
  const output = await inTerminal(120, ['restart', 'all'], { HIVE_HOME: hive.home });
  const said = output.split(/\r?\n/).filter((line) => / done \(\d+\.\d s\)$/.test(line));
  assert.deepEqual(
    said.map((line) => line.replace(/\(.*/, '')),
    names.map((name) => `restart ${name}: done `),
    JSON.stringify(output),
  );
  const piped = await hive.run(['restart', 'all']);
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(!/: done \(/.test(piped.stderr + piped.stdout), piped.stderr);
  assert.equal(stepLine('restart', { id: 3, name: 'app03', ms: 640 }), 'restart app03: done (0.6 s)\n');
  assert.equal(
    stepLine('reload', { id: 3, name: 'app03', ms: 12_345, error: 'app "app03": exited with code 1\nmore' }),
    'reload app03: failed (12.3 s): app "app03": exited with code 1\n',
  );
});

test('hive restart all with two apps failing names each, with its code, and says the others were restarted', async () => {
  const hive = tempHome();
  const { config, trace } = threeApps(hive);
  await hive.json(['start', config]);
  for (const name of ['a', 'c']) writeFileSync(join(hive.dir, `fail-${name}`), '');
  writeFileSync(trace, '');
  const result = await hive.run(['restart', 'all']);
  assert.equal(result.code, 1, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines[0], 'hive restart: ERR_HIVE_APP_OPERATION: 2 of 3 apps failed (the 1 other restarted):');
  assert.match(lines.find((line) => line.includes('app "a"')) ?? '', /^ {2}ERR_HIVE_APP_OPERATION: app "a": /);
  assert.match(lines.find((line) => line.includes('app "c"')) ?? '', /^ {2}ERR_HIVE_APP_OPERATION: app "c": /);
  assert.match(result.stderr, /refusing to start: fail-a is there/);
  assert.ok(!result.stderr.includes('app "b"'), result.stderr);
  // b was restarted all the same, after a failed.
  assert.deepEqual(readFileSync(trace, 'utf8').trim().split('\n'), ['start b', 'listen b']);
});

// Of a config file's apps, the one that failed was left out of the table and --json: a script saw two apps started.
test('hive start <config> lists an app that failed to start beside the others, errored, and exits 1', async () => {
  const hive = tempHome();
  const { config } = threeApps(hive);
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
