import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { poll } from '../poll.js';
import { hiveBin, killAll, tempDir } from './helpers.js';
import { assertEveryStderrLine, floodRecords, outputFlood, readAfterStall, readFromStall } from './output-flood.js';

after(killAll);

const LINES = 30_000;

/** `hive run` of the flooding app, one instance, with `flags`, and `env` over FLOOD_LINES; its FLOOD_DONE file. */
function runFlood(prefix: string, flags: string[], env: Record<string, string> = {}) {
  const done = join(tempDir(prefix), 'done');
  const child = spawn(process.execPath, [hiveBin, 'run', outputFlood, '-i', '1', ...flags], {
    env: { ...process.env, FLOOD_LINES: String(LINES), ...env, FLOOD_DONE: done },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, done };
}

test("hive run drops the app's lines past 16 MiB its stdout reader is behind by, and marks each gap with the count", async () => {
  const { child, done } = runFlood('hive-flood-', ['--log-format', 'json']);
  try {
    // Not read until the app has written every line: the reader has stalled for all of its ~20 MB.
    const { code, text } = await readAfterStall(child, done);
    assert.equal(code, 0);
    const records = floodRecords(text);
    // Each line received follows the one before it, or a mark saying how many are missing in between.
    let next = 0;
    let received = 0;
    let dropped = 0;
    for (const record of records) {
      const gap =
        record.type === 'warning' ? /^(\d+) line\(s\) of the app's output dropped/.exec(record.message!) : null;
      if (gap) {
        next += Number(gap[1]);
        dropped += Number(gap[1]);
      }
      const flood = record.kind === 'log' ? /^flood (\d+) /.exec(record.line!) : null;
      if (flood) {
        assert.equal(Number(flood[1]), next, 'lines in order, each gap marked with its size');
        next += 1;
        received += 1;
      }
    }
    assert.ok(dropped > 0, 'a stalled reader has lines dropped');
    assert.equal(received + dropped, LINES, 'every line is received or counted as dropped');
    assert.ok(records.some((r) => r.type === 'state' && r.state === 'stopped'));
  } finally {
    child.kill('SIGKILL');
  }
});

// A burst that ended while its lines were dropped was marked only by the app's next line or Hive's next event: an app
// quiet after it (a report printed at start-up) had the gap unsaid, in `hive logs` too, for as long as it ran.
test('hive run marks the gap at the end of a burst once its reader catches up, with no later line to mark it', async () => {
  const { child, done } = runFlood('hive-flood-tail-', ['--log-format', 'json']);
  try {
    const read = await readFromStall(child, done);
    // The app is quiet now and stays so, and nothing stops it: every line is received or counted, by the mark alone.
    await poll(
      () => {
        const text = read();
        const records = floodRecords(text.slice(0, text.lastIndexOf('\n') + 1));
        const received = records.filter((r) => r.kind === 'log' && /^flood \d+ /.test(r.line ?? '')).length;
        const dropped = records
          .map((r) => (r.type === 'warning' ? /^(\d+) line\(s\) of the app's output dropped/.exec(r.message!) : null))
          .reduce((sum, gap) => sum + (gap ? Number(gap[1]) : 0), 0);
        return dropped > 0 && received + dropped === LINES;
      },
      'every line received or counted as dropped',
      { timeoutMs: 60_000 },
    );
  } finally {
    child.kill('SIGKILL');
  }
});

// Both streams share the JSON lines the daemon reads: a stdout flood kept that at its bound, and the app's stderr lines
// between were dropped with it (of 60 here, those written after the first 16 MiB). They get a reserve of their own.
test("under a stdout flood that fills the reader's backlog, hive run --log-format json keeps every stderr line", async () => {
  const errors = 60;
  const { child, done } = runFlood('hive-flood-err-', ['--log-format', 'json'], {
    FLOOD_ERRORS_EVERY: String(LINES / errors),
  });
  try {
    const { text } = await readAfterStall(child, done);
    assertEveryStderrLine(floodRecords(text), errors);
  } finally {
    child.kill('SIGKILL');
  }
});

test("in text mode, hive run's mark of the stdout lines it dropped goes to stderr, as its other warnings", async () => {
  const { child, done } = runFlood('hive-flood-text-', []);
  try {
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    const { code, text: out } = await readAfterStall(child, done);
    assert.equal(code, 0);
    assert.match(out, /flood \d+ /, 'the app lines that were kept are on stdout');
    assert.doesNotMatch(out, /output dropped/);
    assert.match(err, /warning: \d+ line\(s\) of the app's output dropped: the reader of stdout was more than 16 MiB/);
  } finally {
    child.kill('SIGKILL');
  }
});
