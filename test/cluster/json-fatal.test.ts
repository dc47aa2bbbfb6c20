import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixture, freePort, killAll, runHive } from './helpers.js';

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
    assert.match(String(fatal?.hint), /hive run --help/);
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
  assert.match(stderr, /^hive run: ERR_HIVE_INVALID_ARGUMENT: .*\nRun `hive run --help` for the options\.\n$/);
});
