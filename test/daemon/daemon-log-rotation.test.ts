import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonFixture, HiveHome, readOrEmpty, waitFor } from './helpers.js';

const MiB = 1024 * 1024;
const homes: HiveHome[] = [];
after(async () => {
  for (const hive of homes) await hive.cleanup();
});

// Whole lines of filler, as if the daemon had logged them for a long time.
const filler = (bytes: number) => `${'x'.repeat(999)}\n`.repeat(Math.ceil(bytes / 1000));

test('a daemon.log over 10 MiB when the daemon starts is moved to daemon.log.1 first', async () => {
  const hive = new HiveHome();
  homes.push(hive);
  mkdirSync(hive.home, { recursive: true, mode: 0o700 });
  const log = join(hive.home, 'daemon.log');
  writeFileSync(log, `old line\n${filler(10 * MiB)}`, { mode: 0o600 });
  await hive.json(['ls']);
  await hive.daemonPid();
  await waitFor(() => readOrEmpty(log).includes('listening on'), 'the daemon to log that it listens');
  assert.ok(statSync(log).size < MiB, 'daemon.log starts small');
  assert.ok(!readOrEmpty(log).includes('\0'), 'no NUL bytes');
  assert.ok(readOrEmpty(`${log}.1`).startsWith('old line\n'), 'the old lines are in daemon.log.1');
});

test('a running daemon’s log that grows past 10 MiB is copied to daemon.log.1 and emptied; one copy is kept', async () => {
  const hive = new HiveHome();
  homes.push(hive);
  const log = join(hive.home, 'daemon.log');
  await hive.json(['ls']);
  await hive.daemonPid();
  await waitFor(() => readOrEmpty(log).includes('listening on'), 'the daemon to log that it listens');
  for (const round of [1, 2]) {
    // Another writer of the same file (the daemon's own stderr lines are written through the same descriptor).
    appendFileSync(log, `round ${round}\n${filler(10 * MiB)}`);
    // A line of the daemon's: the app's primary started.
    await hive.json(['start', daemonFixture('ticker.sh'), '--name', `t${round}`]);
    await waitFor(() => readOrEmpty(log).includes(`t${round}: primary pid`), `t${round}'s line in the new daemon.log`);
    assert.ok(statSync(log).size < MiB, `daemon.log is small again (round ${round})`);
    assert.ok(!readOrEmpty(log).includes('\0'), 'no NUL bytes');
    assert.match(readOrEmpty(`${log}.1`), new RegExp(`^[^]*round ${round}\\n`), 'the lines before are in daemon.log.1');
  }
  assert.ok(!readOrEmpty(`${log}.1`).includes('round 1\n'), 'daemon.log.1 holds the last rotation only');
  assert.ok(!existsSync(`${log}.2`));
});
