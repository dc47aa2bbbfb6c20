// PM2's `merge_logs` unset in cluster mode (`mergeLogs: false`): a file per instance, `<name>-out-<n>.log`, holding the
// app's lines as it wrote them, so that a JSON-logging app's files parse for a log shipper.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../cluster/helpers.js';
import { hiveBin, readOrEmpty, tempHome, waitFor } from './helpers.js';
import { requestOf } from './home-processes.js';

const hive = tempHome();
const dir = hive.dir;
const logs = join(hive.home, 'logs');

// A pino-like app: a JSON line on stdout and a plain one on stderr every 100 ms, from each instance.
const app = join(dir, 'api.js');
writeFileSync(
  app,
  `const http = require('node:http');
http.createServer((q, s) => s.end('ok')).listen(process.env.PORT);
let n = 0;
setInterval(() => {
  console.log(JSON.stringify({ level: 30, instance: Number(process.env.HIVE_INSTANCE), n: n++ }));
  console.error('oops ' + process.env.HIVE_INSTANCE);
}, 100);
`,
);

interface AppInfo {
  outFile: string;
  errorFile: string;
  mergeLogs: boolean;
  logs: { stream: string; path: string; instance: number | null; raw: boolean }[];
}

const jsonLines = (file: string): { instance: number; n: number }[] =>
  readOrEmpty(file)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { instance: number; n: number });

test('mergeLogs: false (ecosystem merge_logs: false): a file per instance, raw lines, hive logs, flush, a move', async () => {
  const config = join(dir, 'ecosystem.config.cjs');
  const port = await freePort();
  writeFileSync(
    config,
    `module.exports = { apps: [{ name: 'api', script: ${JSON.stringify(app)}, instances: 2, exec_mode: 'cluster', merge_logs: false, env: { PORT: '${port}' } }] };\n`,
  );
  await hive.json(['start', config]);
  const out0 = join(logs, 'api-out-0.log');
  const out1 = join(logs, 'api-out-1.log');
  const err1 = join(logs, 'api-error-1.log');
  await waitFor(() => jsonLines(out0).length >= 2 && jsonLines(out1).length >= 2, "both instances' out files");
  // Every line of each is the app's JSON, as it wrote it, and of that instance only.
  assert.ok(jsonLines(out0).every((line) => line.instance === 0));
  assert.ok(jsonLines(out1).every((line) => line.instance === 1));
  await waitFor(() => readOrEmpty(err1).startsWith('oops 1\n'), "instance 1's error file");
  assert.equal(existsSync(join(logs, 'api-out.log')), false, 'no merged file');

  // The daemon's listing (what `hive ls --json` prints), asked over its socket: no CLI run.
  const [info] = await requestOf<AppInfo[]>(hive.home, 'ls');
  assert.equal(info!.mergeLogs, false);
  assert.equal(info!.outFile, join(logs, 'api-out.log'), 'outFile stays the path the instances are named after');
  assert.deepEqual(
    info!.logs.map(({ stream, path, instance, raw }) => [stream, path, instance, raw]),
    [
      ['out', out0, 0, true],
      ['err', join(logs, 'api-error-0.log'), 0, true],
      ['out', out1, 1, true],
      ['err', err1, 1, true],
    ],
  );
  const described = await hive.run(['describe', 'api']);
  assert.match(described.stdout, /out log +\S+api-out-<instance>\.log \(a file per instance\)/);

  // `hive logs`: both instances, each line with the prefix a merged file has; --raw as the app wrote them.
  const printed = await hive.run(['logs', 'api', '--out', '--lines', '3']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /^\[api:0\] \{"level":30,"instance":0,"n":\d+\}$/m);
  assert.match(printed.stdout, /^\[api:1\] \{"level":30,"instance":1,"n":\d+\}$/m);
  const raw = await hive.run(['logs', 'api', '--err', '--lines', '1', '--raw', '--json']);
  assert.deepEqual(
    raw.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { instance: number; line: string })
      .map(({ instance, line }) => [instance, line]),
    [
      [0, 'oops 0'],
      [1, 'oops 1'],
    ],
  );

  // `hive flush` empties every instance's files; the lines go on into them.
  const flushed = await hive.run(['flush', 'api']);
  assert.equal(flushed.code, 0, flushed.stderr);
  for (const file of [out0, out1, err1]) assert.match(flushed.stdout, new RegExp(file.replace(/[.]/g, '\\.')));
  await waitFor(() => {
    const first = jsonLines(out1)[0];
    return first !== undefined && first.n > 2;
  }, "instance 1's file emptied, then written on");

  // One instance's file moved away (logrotate): a new one at its path, the other instance's untouched.
  renameSync(out1, `${out1}.1`);
  await waitFor(() => jsonLines(out1).length > 0, "a new file at instance 1's path");
  assert.ok(statSync(out0).size > 0);
});

test('--no-merge-logs: a fork-mode program has a file per instance; scaled up, the new instance has its own', async (t) => {
  const script = join(dir, 'tick.sh');
  writeFileSync(script, '#!/bin/sh\nn=0\nwhile true; do echo "{\\"n\\":$n}"; n=$((n+1)); sleep 0.1; done\n', {
    mode: 0o755,
  });
  await hive.json(['start', script, '--name', 'tick', '-i', '2', '--no-merge-logs']);
  const file = (n: number) => join(logs, `tick-out-${n}.log`);
  await waitFor(() => jsonLines(file(0)).length > 0 && jsonLines(file(1)).length > 0, "both instances' files");
  assert.equal(existsSync(join(logs, 'tick-out.log')), false, 'no merged file');
  // Followed (-f), the files of an instance scaled up are read too, once they are there.
  const follower = spawn(process.execPath, [hiveBin, 'logs', 'tick', '-f', '--lines', '0'], {
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  t.after(() => follower.kill('SIGKILL'));
  let followed = '';
  follower.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    followed += chunk;
  });
  await waitFor(() => followed.includes('[tick:0] {"n":') && followed.includes('[tick:1] {"n":'), 'both followed');
  await hive.json(['scale', 'tick', '3']);
  await waitFor(() => jsonLines(file(2)).length > 0, "the new instance's file");
  await waitFor(() => followed.includes('[tick:2] {"n":'), "the new instance's lines followed");
  const printed = await hive.run(['logs', 'tick', '--lines', '1']);
  for (const n of [0, 1, 2]) assert.match(printed.stdout, new RegExp(`^\\[tick:${n}\\] \\{"n":\\d+\\}$`, 'm'));
});

test("--time: hive logs prints the instances' lines in the order of their times", async () => {
  const script = join(dir, 'tick.sh');
  await hive.json(['start', script, '--name', 'timed', '-i', '2', '--no-merge-logs', '--time']);
  const file = (n: number) => join(logs, `timed-out-${n}.log`);
  await waitFor(
    () => readOrEmpty(file(0)).split('\n').length > 4 && readOrEmpty(file(1)).split('\n').length > 4,
    'lines in both files',
  );
  // Raw, but for the time the daemon puts first.
  assert.match(readOrEmpty(file(0)), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \{"n":0\}\n/);
  const printed = await hive.run(['logs', 'timed', '--out', '--lines', '6']);
  const [header, ...lines] = printed.stdout.trim().split('\n');
  assert.equal(header, `==> ${file(0)} ${file(1)} <==`);
  assert.equal(lines.length, 6);
  const times = lines.map((line) => /^\[timed:[01]\] (\S+) \{"n":\d+\}$/.exec(line)![1]!);
  assert.deepEqual(times, [...times].sort(), 'in the order of their times');
  assert.ok(lines.some((line) => line.startsWith('[timed:0]')) && lines.some((line) => line.startsWith('[timed:1]')));
});

// One config, one start, for two apps: each test a start of its own cost a CLI run and an app start more.
test('explicit paths are suffixed as PM2 does; log_file per instance; logFormat json keeps its records; unset, an ecosystem app keeps the one merged file with prefixed lines (Hive default)', async () => {
  const script = join(dir, 'tick.sh');
  const one = join(dir, 'one.sh');
  writeFileSync(one, '#!/bin/sh\necho hello\nexec sleep 1000\n', { mode: 0o755 });
  const config = join(dir, 'paths.config.cjs');
  writeFileSync(
    config,
    `module.exports = { apps: [{ name: 'paths', script: ${JSON.stringify(script)}, instances: 2, merge_logs: false, out_file: 'own/app-out-5.log', error_file: 'own/app-err.log', log_file: 'own/all.log', logFormat: 'json' }, { name: 'merged', script: ${JSON.stringify(one)}, instances: 2 }] };\n`,
  );
  await hive.json(['start', config]);
  const own = join(dir, 'own');
  for (const name of ['app-out-0.log', 'app-out-1.log', 'all-0.log', 'all-1.log']) {
    await waitFor(() => readOrEmpty(join(own, name)).includes('"line":"{\\"n\\":1}"'), name);
  }
  const record = JSON.parse(readOrEmpty(join(own, 'app-out-1.log')).split('\n')[0]!) as Record<string, unknown>;
  assert.equal(record.app, 'paths');
  assert.equal(record.instance, 1);
  const raw = await hive.run(['logs', 'paths', '--out', '--lines', '1', '--raw']);
  assert.match(raw.stdout, /^\{"n":\d+\}$/m);
  assert.doesNotMatch(raw.stdout, /"app":/);

  // merge_logs unset: the one merged file, its lines prefixed.
  const merged = join(logs, 'merged-out.log');
  await waitFor(
    () => readOrEmpty(merged).includes('[merged:0] hello\n') && readOrEmpty(merged).includes('[merged:1] hello\n'),
    'both lines in the merged file',
  );
  assert.equal(existsSync(join(logs, 'merged-out-0.log')), false);
});

test("a path PM2 gives no suffix is every instance's: /dev/null keeps nothing, a .txt file gets all raw lines", async () => {
  const script = join(dir, 'tick.sh');
  const shared = join(dir, 'shared.txt');
  await hive.json(['start', script, '--name', 'shared', '-i', '2', '--no-merge-logs', '-o', shared, '-e', '/dev/null']);
  await waitFor(
    () =>
      readOrEmpty(shared)
        .split('\n')
        .filter((line) => line === '{"n":2}').length === 2,
    'both lines',
  );
  assert.doesNotMatch(readOrEmpty(shared), /\[shared/, 'no prefix');
  const [info] = (await requestOf<(AppInfo & { name: string })[]>(hive.home, 'ls')).filter((a) => a.name === 'shared');
  assert.deepEqual(
    info!.logs.map(({ path, instance }) => [path, instance]),
    [
      [shared, null],
      ['/dev/null', null],
    ],
  );
  const printed = await hive.run(['logs', 'shared', '--lines', '2']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /^\{"n":\d+\}$/m);
});

test('files of an earlier run are listed and flushed; --merge-logs wins over a config; both flags exit 2', async () => {
  const script = join(dir, 'tick.sh');
  await hive.json(['start', script, '--name', 'again', '-i', '2', '--no-merge-logs']);
  const old = join(logs, 'again-out-1.log');
  await waitFor(() => readOrEmpty(old).includes('{"n":1}'), "instance 1's lines");
  // What `hive delete again` asks of the daemon, over its socket: no CLI run (the CLI is not what this checks).
  await requestOf(hive.home, 'delete', { target: 'again' });
  await hive.json(['start', script, '--name', 'again', '-i', '1', '--no-merge-logs']);
  const [info] = (await requestOf<(AppInfo & { name: string })[]>(hive.home, 'ls')).filter((a) => a.name === 'again');
  assert.ok(
    info!.logs.some((file) => file.path === old && file.instance === 1),
    "the earlier run's file is listed",
  );
  const flushed = await hive.run(['flush', 'again']);
  assert.equal(flushed.code, 0, flushed.stderr);
  assert.equal(statSync(old).size, 0, 'and emptied');

  const config = join(dir, 'split.config.cjs');
  writeFileSync(
    config,
    `module.exports = { apps: [{ name: 'split', script: ${JSON.stringify(script)}, instances: 2, merge_logs: false }] };\n`,
  );
  await hive.json(['start', config, '--merge-logs']);
  await waitFor(() => readOrEmpty(join(logs, 'split-out.log')).includes('[split:1] {"n":1}'), 'the merged file');
  const both = await hive.run(['start', script, '--name', 'both', '--merge-logs', '--no-merge-logs']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--merge-logs and --no-merge-logs contradict each other/);
});

test("flushing an app never empties another app's combined log that its own instance files' names match", async () => {
  const ticker = join(dir, 'tick.js');
  writeFileSync(ticker, "setInterval(() => console.log('tick', process.env.HIVE_INSTANCE), 100);\n");
  // `web-2.log` is app web-2's combined log, and reads as instance 2 of web's `web.log`.
  const apps = [
    { name: 'web-2', script: ticker, exec_mode: 'fork', log_file: true },
    { name: 'web', script: ticker, exec_mode: 'fork', log_file: true, merge_logs: false },
  ];
  const file = hive.writeConfig(apps, 'two.config.js');
  await hive.json(['start', file, '--only', 'web-2'], { cwd: dir });
  await waitFor(() => readOrEmpty(join(logs, 'web-2.log')).includes('tick'), "web-2's combined log");
  // Stopped first: nothing writes web-2.log again after the flush.
  // What `hive stop web-2` asks of the daemon, over its socket: no CLI run.
  await requestOf(hive.home, 'stop', { target: 'web-2' });
  await hive.json(['start', file, '--only', 'web'], { cwd: dir });
  const flushed = await hive.run(['flush', 'web']);
  assert.equal(flushed.code, 0, flushed.stderr);
  assert.match(readOrEmpty(join(logs, 'web-2.log')), /tick/);
  for (const target of ['web', 'web-2']) await requestOf(hive.home, 'delete', { target });
});
