// `hive run --watch` (as `pm2-runtime --watch`): the daemon's watcher in the foreground primary. A saved change
// reloads the app as SIGHUP does (rolling, replacement ready first); new code that does not start aborts the reload,
// the old processes serving on and the error printed; --ignore-watch and Hive's own output file are not changes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freePort,
  type HiveRecord,
  hiveBin,
  isEvent,
  killAll,
  runHive,
  startHive,
  tempApp,
  until,
} from '../cluster/helpers.js';
import { allServe, body, QUIET_MS } from './run-watch-helpers.js';

after(() => killAll());

// Logs each request, so that a redirected output gets a line for each.
const appSource = (version: string, broken = false) =>
  `import http from 'node:http';\nconst version = '${version}'${broken ? ')' : ''};\n` +
  "http.createServer((req, res) => { console.log('request', req.url); res.end(version); })" +
  '.listen(process.env.PORT);\n';

test('hive run --watch: an edit reloads into the new code; a syntax error keeps the old one serving and is printed; ignored paths are not changes', async () => {
  const { dir, app } = tempApp('hive-run-watch-', appSource('v1'));
  mkdirSync(join(dir, 'scratch'));
  const port = await freePort();
  const hive = startHive([
    app,
    '-i',
    '2',
    '--port',
    String(port),
    '--watch',
    '--ignore-watch',
    'scratch',
    '--ignore-watch',
    '*.tmp',
    '--watch-delay',
    '200ms',
  ]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  assert.equal(await body(port), 'v1');

  writeFileSync(join(dir, 'scratch', 'notes.txt'), 'x');
  writeFileSync(join(dir, 'data.tmp'), 'x');
  mkdirSync(join(dir, 'node_modules'));
  writeFileSync(join(dir, 'node_modules', 'dep.js'), 'x');
  await sleep(QUIET_MS);
  const watchRecords = () => hive.records.filter(isEvent('watch'));
  assert.deepEqual(watchRecords(), [], 'an ignored file reloaded the app');
  assert.equal(hive.records.filter(isEvent('reload')).length, 0);

  writeFileSync(app, appSource('v2'));
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload into v2', 60_000);
  await allServe(port, 'v2', 2);
  assert.equal(watchRecords()[0]?.message, 'app.mjs changed; reloading');

  const before = hive.records.length;
  writeFileSync(app, appSource('v3', true));
  const aborted = await hive.waitFor(
    (r) => hive.records.indexOf(r) >= before && isEvent('reload', { phase: 'aborted' })(r),
    'the aborted reload',
    60_000,
  );
  assert.ok(String(aborted.reason).length > 0);
  const printed = hive.records.slice(before).filter((r: HiveRecord) => r.kind === 'log' && r.stream === 'stderr');
  assert.match(printed.map((r) => String(r.line)).join('\n'), /SyntaxError/);
  await allServe(port, 'v2', 2);

  writeFileSync(app, appSource('v4'));
  await allServe(port, 'v4', 2);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('hive run --watch with its output redirected into the watched folder: its own lines reload nothing', async () => {
  const { dir, app } = tempApp('hive-run-watch-log-', appSource('v1'));
  const port = await freePort();
  const { child, exited, log } = runWatchInto(join(dir, 'hive.log'), app, port);
  try {
    await until(() => log().includes('app online'), 'online', 60_000);
    for (let i = 0; i < 3; i++) assert.equal(await body(port), 'v1');
    writeFileSync(join(dir, 'hive.log.1'), 'a rotated copy');
    await sleep(QUIET_MS);
    assert.doesNotMatch(log(), /changed; reloading|reload start/);
    writeFileSync(app, appSource('v2'));
    await allServe(port, 'v2', 1);
    await until(() => log().includes('reload done'), 'reload done', 30_000);
    assert.equal(log().match(/changed; reloading/g)?.length, 1, log());
    assert.match(log(), /\[hive\] app: app\.mjs changed; reloading\n/);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

test('hive run --watch with its output redirected to a file named as the script without its extension: an edit of the script reloads', async () => {
  const { dir, app } = tempApp('hive-run-watch-stem-', appSource('v1'));
  const port = await freePort();
  // `app`: the script `app.mjs` starts with `app.`, as a rotated copy `app.1` does.
  const { child, exited, log } = runWatchInto(join(dir, 'app'), app, port);
  try {
    await until(() => log().includes('app online'), 'online', 60_000);
    writeFileSync(app, appSource('v2'));
    await until(() => log().includes('reload done'), 'reload done', 30_000);
    await allServe(port, 'v2', 1);
    assert.match(log(), /\[hive\] app: app\.mjs changed; reloading\n/);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

test('hive run: --ignore-watch and --watch-delay need --watch; a bad --watch-delay is named', async () => {
  const { app } = tempApp('hive-run-watch-flags-', appSource('v1'));
  const ignore = await runHive(['run', app, '--ignore-watch', 'x']);
  assert.equal(ignore.code, 2);
  assert.match(ignore.stderr, /--ignore-watch needs --watch/);
  const delay = await runHive(['run', app, '--watch-delay', '2']);
  assert.equal(delay.code, 2);
  assert.match(delay.stderr, /--watch-delay needs --watch/);
  const bad = await runHive(['run', app, '--watch', '--watch-delay', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected --watch-delay to be seconds or a duration like 500ms or 2s, got "soon"/);
});

// `hive run --watch` of one process with its stdout and stderr redirected to `logFile`, as a shell's `> file 2>&1`.
function runWatchInto(logFile: string, app: string, port: number) {
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [hiveBin, 'run', app, '-i', '1', '--port', String(port), '--watch', '--watch-delay', '200ms'],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, log: () => readFileSync(logFile, 'utf8') };
}
