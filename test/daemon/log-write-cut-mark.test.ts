// A full disk takes the part of a write that fits and fails the rest: the log then ended inside a line, and the mark
// of the lines dropped, written first once the file could be written again, went on at the end of it
// (`[api:0] tick 179637[api] hive: 51 line(s) ... dropped here: ...`), with `logFormat: 'json'` a record that no
// longer parsed. The mark is now a line of its own. The file size limit of the daemon (RLIMIT_FSIZE, set with
// prlimit) fails a write partway as a full disk does: the part under the limit is written, the rest fails (EFBIG;
// Node ignores SIGXFSZ).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Described, daemonFixture, pidOf, prlimitSkip, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const prlimit = prlimitSkip;

/**
 * Starts app `name` (line-on-signal.cjs), has a write to its out log cut short by the daemon's file size limit, and
 * the next one fail, then lifts the limit and has lines written until the gap is marked: the file's lines then.
 */
async function cutAndMark(name: string, logFormat: 'text' | 'json'): Promise<string[]> {
  // 100 KB of padding: the limit set under it would fail daemon.log's writes too, and the report of the failure.
  const config = hive.writeConfig(
    [{ name, script: daemonFixture('line-on-signal.cjs'), execMode: 'fork', env: { PAD_BYTES: '100000' }, logFormat }],
    `${name}.config.json`,
  );
  const [app] = await hive.json<Described[]>(['start', config]);
  const worker = pidOf(app!, 'worker');
  const out = join(hive.home, 'logs', `${name}-out.log`);
  const daemonLog = join(hive.home, 'daemon.log');
  await waitFor(() => readOrEmpty(out).includes('ready'), 'the padding and `ready` in the log');
  const daemon = (await hive.daemonPid())!;
  const limit = statSync(out).size + 100;
  execFileSync('prlimit', ['--pid', String(daemon), `--fsize=${limit}:`]);
  try {
    // A line of 300 characters: its first 100 bytes are written, the rest is not.
    process.kill(worker, 'SIGUSR2');
    await waitFor(() => statSync(out).size === limit, 'the write cut at the limit');
    process.kill(worker, 'SIGUSR2');
    await waitFor(
      () => readOrEmpty(daemonLog).includes(`log ${out}: EFBIG`),
      'the daemon to report that the log cannot be written',
    );
  } finally {
    execFileSync('prlimit', ['--pid', String(daemon), '--fsize=unlimited:']);
  }
  // Lines dropped within a second of the failure; the first after it is written, with the mark before it.
  await waitFor(() => {
    process.kill(worker, 'SIGUSR2');
    return readOrEmpty(out).includes('dropped here');
  }, 'the mark of the lines dropped');
  return readOrEmpty(out).split('\n').slice(0, -1);
}

test('the mark of lines a full disk dropped is a line of its own after a line it cut', { skip: prlimit }, async () => {
  const lines = await cutAndMark('cut', 'text');
  const at = lines.findIndex((line) => line.includes('dropped here'));
  const dropped =
    /^\[cut\] hive: (\d+) line\(s\) of the app's output dropped here: this log could not be written \(EFBIG: /.exec(
      lines[at]!,
    );
  assert.ok(dropped, lines[at]);
  // The line cut by the limit, ended there.
  assert.ok(lines[at - 1]!.startsWith('[cut:0] line 0 yyy') && lines[at - 1]!.length < 300, lines[at - 1]);
  // Line 0 cut, the lines after it counted, and the next one whole.
  assert.equal(lines[at + 1], `[cut:0] line ${Number(dropped[1]) + 1} ${'y'.repeat(300)}`);
});

test('with logFormat json, every record but the one cut parses, the mark too', { skip: prlimit }, async () => {
  const lines = await cutAndMark('cutjson', 'json');
  const broken = lines.filter((line) => {
    try {
      JSON.parse(line);
      return false;
    } catch {
      return true;
    }
  });
  assert.equal(broken.length, 1, broken.join('\n'));
  assert.ok(broken[0]!.startsWith('{"time":'), broken[0]);
  const mark = lines.map((line) => JSON.parse(line === broken[0] ? '{}' : line) as { line?: string });
  const at = mark.findIndex((record) => record.line?.includes('dropped here'));
  assert.match(
    mark[at]!.line!,
    /^hive: \d+ line\(s\) of the app's output dropped here: this log could not be written \(EFBIG: /,
  );
  assert.equal(lines[at - 1], broken[0], 'the cut record just before the mark');
});
