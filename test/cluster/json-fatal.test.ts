import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { poll } from '../poll.js';
import { fixture, freePort, hiveBin, isEvent, killAll, outputOf, runHive, startHive, tempApp } from './helpers.js';

after(killAll);

// `--log-format json` promises one JSON object a line on stdout: what ends the run (an argument error, a start that
// failed with its stderr lines) used to go to stderr as plain text instead, many lines of it.
const records = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

test('--log-format json: an argument error is one fatal record on stdout, exit code 2, nothing on stderr', async () => {
  for (const args of [
    ['--log-format', 'json', fixture('app.js'), '--bogus'],
    [fixture('does-not-exist.js'), '--log-format=json'],
  ]) {
    const { code, stdout, stderr } = await runHive(['run', ...args]);
    assert.equal(code, 2);
    assert.equal(stderr, '');
    const [fatal, ...rest] = records(stdout);
    assert.deepEqual(rest, []);
    assert.equal(fatal?.kind, 'event');
    assert.equal(fatal?.type, 'fatal');
    assert.match(String(fatal?.code), /^ERR_HIVE_(INVALID_ARGUMENT|SCRIPT_NOT_FOUND)$/);
    assert.equal(typeof fatal?.message, 'string');
    // The options help with a bad argument only, not with a script that is not there.
    if (fatal?.code === 'ERR_HIVE_INVALID_ARGUMENT') assert.equal(fatal.hint, 'see hive run --help');
    else assert.equal(fatal?.hint, undefined);
  }
});

test('--log-format json: a process that never gets ready ends the run with one fatal record, exit code 1', async () => {
  const port = await freePort();
  const args = ['run', '--log-format', 'json', fixture('app.js'), '-i', '1', '--port', String(port)];
  const { code, stdout, stderr } = await runHive(args, { APP_VERSION_FILE: fixture('broken-version.txt') });
  assert.equal(code, 1);
  assert.equal(stderr, '');
  const all = records(stdout);
  const fatal = all.filter((r) => r.type === 'fatal');
  assert.equal(fatal.length, 1);
  assert.equal(fatal[0]!.kind, 'event');
  assert.equal(fatal[0]!.app, 'app');
  assert.equal(fatal[0]!.code, 'ERR_HIVE_WORKER_NOT_READY');
  assert.equal(fatal[0]!.instance, 0);
  assert.ok((fatal[0]!.stderrTail as string[]).some((line) => line.includes('this version does not start')));
});

test('--log-format text: the same failures stay plain text on stderr', async () => {
  const { code, stdout, stderr } = await runHive(['run', fixture('app.js'), '--bogus']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  // The unknown option's message says where the options are: no second hint.
  assert.match(
    stderr,
    /^hive run: ERR_HIVE_INVALID_ARGUMENT: unknown option --bogus for hive run; see hive run --help\n$/,
  );
  const other = await runHive(['run', fixture('app.js'), '--instances', 'x']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /^hive run: ERR_HIVE_INVALID_ARGUMENT: [^\n]*; see hive run --help\n$/);
});

// Instance 0 is ready and crashes; instance 1, never ready, exits once the test has seen slot 0 errored (the GATE
// file), so that its exit errors the last slot while the start still waits for it.
const { dir, app: mix } = tempApp(
  'hive-json-fatal-',
  `import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
if (process.env.HIVE_INSTANCE === '0') {
  createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1', () => process.exit(1));
} else {
  setInterval(() => existsSync(process.env.GATE) && process.exit(1), 20);
}
`,
  'mix.mjs',
);
let gates = 0;
const mixArgs = async () => {
  const args = [mix, '-i', '2', '--port', String(await freePort()), '--max-restarts', '0'];
  return { args, gate: join(dir, `gate-${gates++}`) };
};

// The run's own stop (every slot errored) made the start that was still waiting fail too: a second fatal record,
// ERR_HIVE_SUPERVISOR_STOPPED, after the one that says why.
test('--log-format json: every slot errored while the start waits is one fatal record, exit code 1', async () => {
  const { args, gate } = await mixArgs();
  const hive = startHive(args, { GATE: gate });
  await hive.waitFor(isEvent('errored', { instance: 0 }), 'slot 0 errored');
  writeFileSync(gate, '');
  assert.equal((await hive.exited).code, 1);
  const fatal = hive.records.filter(isEvent('fatal'));
  assert.deepEqual(
    fatal.map((record) => record.code),
    ['ERR_HIVE_APP_ERRORED'],
  );
  assert.deepEqual(hive.records.at(-1), fatal[0], 'the fatal record is the last');
});

// Both processes ready, then both crash for good (no restarts): the run stops, and the fatal record saying why
// comes after the stop's state records, as a failed start's does.
test('--log-format json: every slot errored after the start: the fatal record is the last, exit code 1', async () => {
  const { app } = tempApp(
    'hive-json-fatal-late-',
    `import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
setInterval(() => existsSync(process.env.GATE) && process.exit(9), 20);
`,
    'late.mjs',
  );
  const gate = join(dir, `gate-${gates++}`);
  const hive = startHive([app, '-i', '2', '--port', String(await freePort()), '--max-restarts', '0'], { GATE: gate });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  writeFileSync(gate, '');
  assert.equal((await hive.exited).code, 1);
  const last = hive.records.at(-1);
  assert.equal(last?.type, 'fatal', JSON.stringify(hive.records.slice(-4)));
  assert.equal(last?.code, 'ERR_HIVE_APP_ERRORED');
  assert.equal(hive.records.filter(isEvent('fatal')).length, 1);
});

test('--log-format text: the same is one `hive run:` line on stderr', async () => {
  const { args, gate } = await mixArgs();
  const child = spawn(process.execPath, [hiveBin, 'run', ...args], {
    env: { ...process.env, GATE: gate },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = outputOf(child, 30_000);
  let stderr = '';
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  await poll(() => stderr.includes('worker 0 crash-looped'), 'slot 0 errored');
  writeFileSync(gate, '');
  const { code, stderr: all } = await output;
  assert.equal(code, 1);
  const fatal = all.split('\n').filter((line) => line.startsWith('hive run:'));
  assert.equal(fatal.length, 1, all);
  assert.match(fatal[0]!, /^hive run: ERR_HIVE_APP_ERRORED: /);
});
