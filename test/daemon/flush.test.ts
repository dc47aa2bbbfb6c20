import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

const logs = () => join(hive.home, 'logs');
const ticker = join(dir, 'tick.sh');
writeFileSync(
  ticker,
  '#!/bin/sh\nn=0\nwhile true; do echo "tick $n"; echo "oops $n" >&2; n=$((n+1)); sleep 0.1; done\n',
  { mode: 0o755 },
);

interface Flushed {
  apps: { name: string; files: string[] }[];
  daemonLog: string | null;
}

// The first tick number in a log file, which must start with a whole line: a stream that wrote at its old offset
// after the truncation would have left a hole of NUL bytes before it.
function firstTick(text: string, name: string, word: string): number {
  assert.ok(!text.includes('\0'), 'no NUL bytes (a hole) in the emptied file');
  const match = new RegExp(`^\\[${name}:0\\] ${word} (\\d+)\\n`).exec(text);
  assert.ok(match, `the emptied file starts with a whole line: ${JSON.stringify(text.slice(0, 80))}`);
  return Number(match[1]);
}

test('hive flush <app> empties that app’s out and err files in place; its streams append at the new end', async () => {
  await hive.json(['start', ticker, '--name', 'fa']);
  await hive.json(['start', ticker, '--name', 'fb']);
  const out = join(logs(), 'fa-out.log');
  const err = join(logs(), 'fa-error.log');
  await waitFor(() => readOrEmpty(out).includes('[fa:0] tick 3\n') && readOrEmpty(err).includes('oops 3\n'), 'ticks');
  await waitFor(() => readOrEmpty(join(logs(), 'fb-out.log')).includes('[fb:0] tick 3\n'), 'fb ticks');
  const flushed = await hive.json<Flushed>(['flush', 'fa']);
  assert.deepEqual(flushed, { apps: [{ name: 'fa', files: [out, err] }], daemonLog: null });
  await waitFor(() => readOrEmpty(out).includes('\n') && readOrEmpty(err).includes('\n'), 'new lines after the flush');
  const last = Number(/tick (\d+)\n$/.exec(readOrEmpty(out))?.[1]);
  assert.ok(firstTick(readOrEmpty(out), 'fa', 'tick') > 3, 'the lines before the flush are gone');
  assert.ok(firstTick(readOrEmpty(err), 'fa', 'oops') > 3);
  assert.ok(firstTick(readOrEmpty(out), 'fa', 'tick') <= last);
  // The other app is left alone, and so is the daemon's own log.
  assert.ok(readOrEmpty(join(logs(), 'fb-out.log')).startsWith('[fb:0] tick 0\n'));
  assert.match(readOrEmpty(join(hive.home, 'daemon.log')), /listening on/);
});

test('hive flush (or all) empties every app’s files and daemon.log, as pm2 flush does', async () => {
  const daemonLog = join(hive.home, 'daemon.log');
  const flushed = await hive.json<Flushed>(['flush']);
  assert.deepEqual(flushed.apps.map((app) => app.name).sort(), ['fa', 'fb']);
  assert.equal(flushed.daemonLog, daemonLog);
  await waitFor(() => readOrEmpty(join(logs(), 'fb-out.log')).includes('\n'), 'fb lines after the flush');
  assert.ok(firstTick(readOrEmpty(join(logs(), 'fb-out.log')), 'fb', 'tick') > 3);
  assert.ok(!readOrEmpty(daemonLog).includes('listening on'), 'daemon.log emptied');
  // The daemon keeps appending to it at the new end.
  await hive.json(['stop', 'fb']);
  await waitFor(() => /fb: primary pid \d+ exited/.test(readOrEmpty(daemonLog)), 'a daemon.log line after the flush');
  assert.ok(!readOrEmpty(daemonLog).includes('\0'), 'no NUL bytes in daemon.log');
  const all = await hive.json<Flushed>(['flush', 'all']);
  assert.equal(all.daemonLog, daemonLog);
  assert.equal(all.apps.length, 2, 'a stopped app is flushed too');
});

test('hive flush of an unknown app exits 1 with ERR_HIVE_APP_NOT_FOUND; two targets are a usage error', async () => {
  const unknown = await hive.run(['flush', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^hive flush: ERR_HIVE_APP_NOT_FOUND: no app named or numbered "nope"/);
  const two = await hive.run(['flush', 'fa', 'fb']);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /ERR_HIVE_INVALID_ARGUMENT: unexpected argument "fb"/);
});

test('after a flush, a log is rotated when the emptied file reaches the bound, not counting what was flushed', async () => {
  const go = join(dir, 'go');
  const script = join(dir, 'big.sh');
  // 9 MB, then (once the test says so) 2 MB more and a last line: 11 MB written, under 10 MB since the flush.
  writeFileSync(
    script,
    `#!/bin/sh\nhead -c 9000000 /dev/zero | tr '\\0' a | fold -w 1000\necho\necho nine\nwhile [ ! -e ${go} ]; do sleep 0.05; done\nhead -c 2000000 /dev/zero | tr '\\0' b | fold -w 1000\necho\necho done\nexec sleep 1000\n`,
    { mode: 0o755 },
  );
  await hive.json(['start', script, '--name', 'big']);
  const out = join(logs(), 'big-out.log');
  await waitFor(() => readOrEmpty(out).includes('[big:0] nine\n'), 'the first 9 MB');
  await hive.json(['flush', 'big']);
  appendFileSync(go, '');
  await waitFor(() => readOrEmpty(out).includes('[big:0] done\n'), 'the last line');
  const rotated = readdirSync(logs()).filter((file) => file.startsWith('big-out') && file !== 'big-out.log');
  assert.deepEqual(rotated, [], 'no rotation: the file holds 2 MB since the flush');
  assert.ok(statSync(out).size < 3_000_000);
  assert.ok(readOrEmpty(out).startsWith('[big:0] b'));
});
