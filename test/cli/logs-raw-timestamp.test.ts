// PM2's `pm2 logs --raw` (the app's lines without the app prefix) and `--timestamp [format]` (each new line prefixed
// with the time it is shown, in a dayjs format).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { logLineSource, rawLogLine } from '../../dist/cli/raw-log-line.js';
import { formatTime } from '../../dist/time-format.js';
import { daemonFixture, hiveBin, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

test('formatTime reads the dayjs tokens of a log time, [text] and other characters as they are', () => {
  const date = new Date(2026, 0, 2, 3, 4, 5, 6);
  assert.equal(formatTime(date, 'YYYY-MM-DD-HH:mm:ss'), '2026-01-02-03:04:05');
  assert.equal(formatTime(date, '[at] H:m:s.SSS YY/M/D'), 'at 3:4:5.006 26/1/2');
  assert.match(formatTime(date, 'Z|ZZ'), /^[+-]\d\d:\d\d\|[+-]\d{4}$/);
});

test('rawLogLine takes off the prefix the daemon wrote, and only that', () => {
  assert.equal(rawLogLine('[api:0] listening 3000'), 'listening 3000');
  assert.equal(rawLogLine('[api] [hive] worker 0 ready'), '[hive] worker 0 ready');
  assert.equal(rawLogLine('2026-11-30T00:20:00.000Z [api:1] hi'), '2026-11-30T00:20:00.000Z hi');
  const json = JSON.stringify({
    time: '2026-11-30T00:20:00.000Z',
    app: 'api',
    instance: 0,
    stream: 'stdout',
    line: 'hi',
  });
  assert.equal(rawLogLine(json), 'hi');
  assert.equal(rawLogLine('[not a prefix]x'), '[not a prefix]x');
  assert.equal(rawLogLine('plain'), 'plain');
  // A logDateFormat time and `: `, kept as the ISO one is; an app's own `: [x] ` later is never taken for it.
  assert.equal(rawLogLine('2026-11-30 14:05 +01:00: [api:0] hi'), '2026-11-30 14:05 +01:00: hi');
  assert.equal(rawLogLine('at 14: 05: [api] [hive] ready'), 'at 14: 05: [hive] ready');
  assert.equal(rawLogLine('[api:0] error: [db] down'), 'error: [db] down');
});

test("logLineSource reads a merged log line's app and instance from its prefix or record, null for the primary's", () => {
  assert.deepEqual(logLineSource('[api:3] listening'), { app: 'api', instance: 3 });
  assert.deepEqual(logLineSource('2026-11-30T00:20:00.000Z [api:12] hi'), { app: 'api', instance: 12 });
  assert.deepEqual(logLineSource('2026-11-30 14:05 +01:00: [web.v2:0] hi'), { app: 'web.v2', instance: 0 });
  assert.deepEqual(logLineSource('[api] [hive] worker 0 ready'), { app: 'api', instance: null });
  const record = { time: 't', app: 'api', instance: 2, stream: 'stdout', line: 'x' };
  assert.deepEqual(logLineSource(JSON.stringify(record)), { app: 'api', instance: 2 });
  assert.deepEqual(logLineSource(JSON.stringify({ ...record, instance: undefined })), { app: 'api', instance: null });
  assert.deepEqual(logLineSource('plain [api:1] later'), { app: null, instance: null });
});

test('hive logs --raw prints the lines without [app:instance]; --timestamp stamps the lines that come after', async (t) => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick', '--', 'hello']);
  await waitFor(() => /ticker 0 started hello/.test(hive.readLog('tick-out.log')), 'the out log');
  const raw = await hive.run(['logs', 'tick', '--raw', '--lines', '5']);
  assert.equal(raw.code, 0, raw.stderr);
  assert.match(raw.stdout, /^ticker 0 started hello$/m);
  assert.doesNotMatch(raw.stdout, /\[tick/);
  // --json says whose each line of the merged file is.
  const json = await hive.run(['logs', 'tick', '--json', '--lines', '5']);
  assert.ok(
    json.stdout
      .trim()
      .split('\n')
      .some(
        (line) =>
          JSON.stringify(JSON.parse(line)) ===
          '{"app":"tick","instance":0,"stream":"out","line":"[tick:0] ticker 0 started hello"}',
      ),
    json.stdout,
  );

  const child = spawn(process.execPath, [hiveBin, 'logs', 'tick', '-f', '--raw', '--timestamp', '--lines', '1'], {
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    child.kill('SIGKILL');
  });
  let printed = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    printed += chunk;
  });
  // A line written once the follower reads the file; written until one shows, as the follower opens it some time.
  const out = join(hive.home, 'logs', 'tick-out.log');
  let probes = 0;
  await waitFor(() => {
    appendFileSync(out, `[tick:0] probe ${probes++}\n`);
    return /^\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d probe \d+$/m.test(printed);
  }, "hive logs -f to print a new line, stamped with the time it was read (PM2's default format)");
  // The last line already there (the app's, or a probe written before the follower opened the file) is not stamped.
  assert.match(printed.split('\n')[0]!, /^(ticker 0 started hello|probe \d+)$/);
  assert.doesNotMatch(printed, /\[tick/);
});

test('hive logs --timestamp=<format> takes a dayjs format; an empty one is a typed error', async () => {
  const empty = await hive.run(['logs', 'tick', '--timestamp=']);
  assert.equal(empty.code, 2);
  assert.match(
    empty.stderr,
    /^hive logs: ERR_HIVE_INVALID_ARGUMENT: expected --timestamp= to be followed by a format/m,
  );
  // Without -f nothing is stamped, as PM2's stamps only the lines it streams (tick: the app of the test above).
  const plain = await hive.run(['logs', 'tick', '--timestamp=[T]HH', '--lines', '1', '--out']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, /^T\d\d /m);
});
