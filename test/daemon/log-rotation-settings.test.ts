// pm2-logrotate's settings, Hive's way: HIVE_LOG_MAX_SIZE, HIVE_LOG_RETAIN, HIVE_LOG_COMPRESS and
// HIVE_LOG_ROTATE_INTERVAL in the environment the daemon starts in (docs/cli.md, "Replacing pm2-logrotate").
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { rotatedLogCopies, rotatedLogNamer } from '../../dist/daemon/rotated-log-name.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';
import { requestOf } from './home-processes.js';

/**
 * A fork-mode app writing `burst` numbered lines of about 100 bytes every 5 ms. A test that bounds a copy's size keeps
 * a line at a time (lines read in one turn are written as one chunk, which may overrun the size); one that counts
 * rotations only takes a few at a time, for the rotations sooner.
 */
function chatty(dir: string, burst = 1): string {
  const script = join(dir, 'chatty.sh');
  const line = `i=$((i+1)); echo "line $i ${'x'.repeat(80)}"; `;
  writeFileSync(script, `#!/bin/sh\ni=0\nwhile true; do ${line.repeat(burst)}sleep 0.005; done\n`, { mode: 0o755 });
  return script;
}

// The rotated copies of chatty-out.log in the logs folder (`chatty-out__<time>-<n>.log[.gz]`).
const rotated = (logs: string) =>
  readdirSync(logs).filter((name) => /^chatty-out__\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d-\d{3}\.log/.test(name));

test('a bad HIVE_LOG_* value is refused, naming the variable, and no daemon starts', async () => {
  const hive = tempHome();
  for (const [key, value] of [
    ['HIVE_LOG_MAX_SIZE', '10X'],
    ['HIVE_LOG_RETAIN', '0'],
    ['HIVE_LOG_COMPRESS', 'yes'],
    ['HIVE_LOG_ROTATE_INTERVAL', '5h'],
  ] as const) {
    const result = await hive.run(['ls'], { env: { [key]: value } });
    assert.equal(result.code, 1, `${key}=${value}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`ERR_HIVE_LOG_ROTATION: Expected ${key} to be .*, got "${value}"`));
  }
  const version = await hive.json<{ daemonPid: number | null }>(['version']);
  assert.equal(version.daemonPid, null);
});

test('HIVE_LOG_MAX_SIZE, HIVE_LOG_RETAIN and HIVE_LOG_COMPRESS set the size, the copies kept and gzip', async () => {
  const hive = tempHome();
  const env = { HIVE_LOG_MAX_SIZE: '4K', HIVE_LOG_RETAIN: '2', HIVE_LOG_COMPRESS: 'true' };
  await hive.json(['start', chatty(hive.dir), '--name', 'chatty'], { env });
  const logs = join(hive.home, 'logs');
  // About 40 lines a file: a file that starts past line 200 comes after four rotations at least.
  await waitFor(() => {
    const first = /^\[chatty:0\] line (\d+) /.exec(readOrEmpty(join(logs, 'chatty-out.log')));
    return first !== null && Number(first[1]) > 200;
  }, 'four rotations');
  // What `hive delete chatty` asks of the daemon, over its socket: no CLI run (a Node start) for it.
  await requestOf(hive.home, 'delete', { target: 'chatty' });
  const kept = rotated(logs);
  assert.ok(kept.length >= 1 && kept.length <= 2, `kept: ${kept.join(' ')}`);
  for (const name of kept) {
    assert.match(name, /\.gz$/);
    const text = gunzipSync(readFileSync(join(logs, name))).toString('utf8');
    assert.match(text, /^\[chatty:0\] line \d+ x+\n/);
    assert.ok(text.length <= 4096 + 200, `a rotated copy of ${text.length} bytes`);
    assert.doesNotMatch(text, /^\[chatty:0\] line 1 /, 'the first copy was removed');
  }
  // rotating-file-stream's list of the copies it keeps: as private as the logs.
  assert.equal(statSync(join(logs, 'chatty-out.log.txt')).mode & 0o777, 0o600);
});

test('a copy rotated after the clock went back (DST, an NTP step) is counted and listed after the older copies', () => {
  const hive = tempHome();
  const log = join(hive.dir, 'api-out.log');
  const name = rotatedLogNamer(log, false);
  // Made at 02:30 local time, before the clock went back an hour: the next copy's time is earlier.
  writeFileSync(join(hive.dir, name(new Date(2026, 9, 25, 2, 30, 0))), 'first\n');
  writeFileSync(join(hive.dir, name(new Date(2026, 9, 25, 2, 30, 0))), 'second\n');
  const later = name(new Date(2026, 9, 25, 2, 0, 0));
  assert.equal(later, 'api-out__2026-10-25_02-00-00-003.log', 'the count goes on from the highest, whatever the time');
  writeFileSync(join(hive.dir, later), 'third\n');
  assert.deepEqual(
    rotatedLogCopies(log).map((copy) => readFileSync(copy.path, 'utf8')),
    ['first\n', 'second\n', 'third\n'],
  );
});

test('HIVE_LOG_ROTATE_INTERVAL rotates by time, whatever the size, and never an empty file', async () => {
  const hive = tempHome();
  const env = { HIVE_LOG_ROTATE_INTERVAL: '1s' };
  // One line, then nothing: its out log has bytes at one boundary only, its error log at none.
  const quiet = join(hive.dir, 'quiet.sh');
  writeFileSync(quiet, '#!/bin/sh\necho "the only line"\nexec sleep 600\n', { mode: 0o755 });
  // Both in one start: a start apiece cost a CLI run more.
  const config = hive.writeConfig([
    { name: 'quiet', script: quiet },
    { name: 'chatty', script: chatty(hive.dir) },
  ]);
  await hive.json(['start', config], { env });
  const logs = join(hive.home, 'logs');
  // Four boundaries at least since both started (the copies of the first one may be removed: five are kept).
  const seen = new Set<string>();
  await waitFor(() => {
    for (const name of rotated(logs)) seen.add(name);
    return seen.size >= 4;
  }, 'four rotations by time');
  await requestOf(hive.home, 'delete', { target: 'all' });
  for (const name of rotated(logs)) assert.doesNotMatch(name, /\.gz$/, 'not compressed unless asked');
  const copies = readdirSync(logs).filter((name) => /^quiet-(out|error)__/.test(name));
  for (const name of copies) assert.notEqual(statSync(join(logs, name)).size, 0, `${name} is an empty copy`);
  const holding = [...copies, 'quiet-out.log'].filter((name) =>
    readOrEmpty(join(logs, name)).includes('the only line'),
  );
  assert.equal(holding.length, 1, `the line is kept once: ${copies.join(' ')}`);
});

test("an app config's logRotation overrides the daemon's settings for that app's files only", async () => {
  const hive = tempHome();
  const env = { HIVE_LOG_RETAIN: '3' };
  const script = chatty(hive.dir, 4);
  const apps = [
    { name: 'chatty', script, logRotation: { maxSize: '4K', retain: 1, compress: true, interval: 'daily' } },
    { name: 'other', script },
  ];
  const config = hive.writeConfig(apps, 'ecosystem.config.js');
  const logs = join(hive.home, 'logs');
  // Opened up to a log shipper by its admin: the file made in its place at each rotation is as readable, no more.
  mkdirSync(logs, { recursive: true, mode: 0o700 });
  writeFileSync(join(logs, 'chatty-out.log'), '', { mode: 0o600 });
  chmodSync(join(logs, 'chatty-out.log'), 0o640);
  await hive.json(['start', config], { env, cwd: hive.dir });
  await waitFor(() => {
    const first = /^\[chatty:0\] line (\d+) /.exec(readOrEmpty(join(logs, 'chatty-out.log')));
    return first !== null && Number(first[1]) > 200;
  }, 'four rotations');
  await requestOf(hive.home, 'delete', { target: 'all' });
  const kept = rotated(logs);
  assert.equal(kept.length, 1, `kept: ${kept.join(' ')}`);
  assert.match(kept[0]!, /\.gz$/);
  assert.equal(statSync(join(logs, 'chatty-out.log')).mode & 0o777, 0o640, 'its mode kept across rotation');
  assert.equal(statSync(join(logs, kept[0]!)).mode & 0o777, 0o640, 'its gzipped copy as readable as the file');
  assert.equal(statSync(join(logs, 'other-out.log')).mode & 0o777, 0o600, 'a fresh file is private');
  assert.deepEqual(
    readdirSync(logs).filter((name) => name.includes('other-out.log') && name !== 'other-out.log'),
    [],
    "the other app's log is not rotated: the daemon's 10M",
  );

  writeFileSync(
    config,
    `module.exports = { apps: [{ name: 'bad', script: ${JSON.stringify(script)}, logRotation: { retain: 1, interval: '5h' } }] };\n`,
  );
  const refused = await hive.run(['start', config], { env, cwd: hive.dir });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /ERR_HIVE_CONFIG: .*logRotation\.interval: expected daily, hourly/);
});

test('hive update applies new settings to a running daemon, and with a bad one stops nothing', async () => {
  const hive = tempHome();
  await hive.json(['start', chatty(hive.dir), '--name', 'chatty']);
  const before = await hive.daemonPid();
  const refused = await hive.run(['update'], { env: { HIVE_LOG_RETAIN: 'x' } });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /ERR_HIVE_LOG_ROTATION: Expected HIVE_LOG_RETAIN/);
  assert.equal(await hive.daemonPid(), before, 'the daemon still runs');

  const env = { HIVE_LOG_MAX_SIZE: '4K' };
  await hive.json(['update'], { env });
  const logs = join(hive.home, 'logs');
  await waitFor(() => rotated(logs).length > 0, 'a rotation at 4K');
  await requestOf(hive.home, 'delete', { target: 'chatty' });
});
