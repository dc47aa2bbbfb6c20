import assert from 'node:assert/strict';
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { followLogs } from './follow-logs.js';
import { daemonFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const MiB = 1024 * 1024;
const hive = tempHome();

// daemon.log is rotated by copy and truncation (DaemonLogRotation): the lines written to it after the follower's last
// read and before the copy were in daemon.log.1 only, and `hive logs -f` read the emptied file from its start: they
// were never printed. The follower is stopped across the rotation so that every such line is written in that window.
test('logs -f across a rotation of daemon.log prints every line once: the rest of daemon.log.1, then the new file', async (t) => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tk']);
  await waitFor(() => hive.readLog('tk-out.log').includes('ticker 0 started'), 'the first line');
  const log = join(hive.home, 'daemon.log');
  await waitFor(() => readOrEmpty(log).includes('tk: primary pid'), "the daemon's line about the app");
  // Just under the bound, in whole lines of the daemon's own: the lines below take it past.
  const size = statSync(log).size;
  const room = 10 * MiB - 100 * 1024 - size;
  appendFileSync(log, `${new Date().toISOString()} filler\n${`${'x'.repeat(999)}\n`.repeat(Math.floor(room / 1000))}`);
  assert.ok(statSync(log).size < 10 * MiB);

  const follower = await followLogs(t, hive, 'tk', '');
  // Daemon lines of their own (timed, about no app), as many as the test writes in each phase.
  const marker = (i: number) => `${new Date().toISOString()} test marker ${i}`;
  let next = 0;
  const write = (count: number) => {
    for (let end = next + count; next < end; next++) appendFileSync(log, `${marker(next)}\n`);
  };
  const markers = () =>
    follower
      .lines()
      .filter((l) => l.stream === 'hive' && l.line.includes(' test marker '))
      .map((l) => Number(l.line.split(' test marker ')[1]));

  write(500);
  await waitFor(() => markers().length > 0, 'the follower to print the first lines');
  await follower.pause();
  // Past the bound: the daemon's next line rotates the file first (copied to daemon.log.1, emptied).
  write(3000);
  await hive.json(['restart', 'tk']);
  await waitFor(
    () => readOrEmpty(`${log}.1`).includes(` test marker ${next - 1}\n`) && statSync(log).size < MiB,
    'the rotation',
  );
  write(500);
  follower.resume();
  await waitFor(() => markers().at(-1) === next - 1, 'the follower to print the last line');
  assert.deepEqual(
    markers(),
    Array.from({ length: next }, (_, i) => i),
  );
});
