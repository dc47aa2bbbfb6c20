// `hive logs -f` read on while the reader of its stdout took nothing (a pager waiting on the user, `| sleep`, a
// stopped consumer): every line it read waited in its memory, which grew with the log (190 MB to 770 MB in 16 s of an
// app's flood). As `tail -f`, it now stops reading while its output waits for its reader, and reads on from there once
// the reader takes it: its memory stays bounded, and no line is lost.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { followLogs } from './follow-logs.js';
import { daemonFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// About 110 MB of log: a follower that held what it read grew past 500 MB (66 MB when it waits), several times the
// bound below.
const LINES = 500_000;
// Generous: Node itself takes 40-60 MB; a follower that waits holds little more than one read of 64 KiB.
const RSS_BOUND_MB = 150;

const rssMb = (pid: number): number =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readOrEmpty(`/proc/${pid}/status`))?.[1] ?? 0) / 1024;
// The bytes the process has read (files, pipes, sockets): what it read of the log, give or take its control requests.
const readBytes = (pid: number): number => Number(/^rchar: (\d+)$/m.exec(readOrEmpty(`/proc/${pid}/io`))?.[1] ?? 0);

test('hive logs -f whose reader stalls stops reading the log, stays small, and prints every line once read', async (t) => {
  const go = join(hive.dir, 'go');
  const config = hive.writeConfig([
    {
      name: 'flood',
      script: daemonFixture('flood-on-go.cjs'),
      env: { FLOOD_LINES: String(LINES), FLOOD_GO: go },
      // One file: a follower far behind would otherwise find the oldest rotated copies removed by retention.
      logRotation: { maxSize: '1G' },
    },
  ]);
  await hive.json(['start', config]);
  const out = join(hive.home, 'logs', 'flood-out.log');
  const follower = await followLogs(t, hive, 'flood');
  const pid = follower.child.pid!;
  // Only the end is looked at while waiting: followLogs's lines() parses all of it, once, at the end.
  let end = '';
  follower.child.stdout!.on('data', (chunk: string) => {
    end = (end + chunk).slice(-200);
  });
  // The test reads nothing more for now: the pipe fills, and the follower's writes to it wait.
  follower.child.stdout!.pause();
  writeFileSync(go, '');
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, rssMb(pid));
  };
  await waitFor(
    () => {
      sample();
      return readOrEmpty(out).endsWith('flood done\n');
    },
    'the app to write all its lines',
    120_000,
  );
  // Until the follower reads no more: all of the log, unfixed (the bound is then long passed), or nothing more while
  // its output waits.
  let before = readBytes(pid);
  let still = 0;
  while (still < 5 && peak <= RSS_BOUND_MB) {
    await sleep(300);
    sample();
    const now = readBytes(pid);
    still = now - before < 1024 * 1024 ? still + 1 : 0;
    before = now;
  }
  assert.ok(peak <= RSS_BOUND_MB, `the follower's RSS reached ${peak.toFixed(0)} MB while its reader took nothing`);

  follower.child.stdout!.resume();
  const file = readFileSync(out, 'utf8').split('\n').slice(0, -1);
  const first = file.findIndex((line) => /^\[flood:0\] 0 z/.test(line));
  assert.notEqual(first, -1, 'the first line of the flood in the file');
  await waitFor(() => end.endsWith('flood done"}\n'), 'the follower to print the last line', 120_000);
  const printed = follower.lines().map((line) => line.line);
  // Every line of the file from the flood's first, in order, once: nothing lost while it waited.
  assert.equal(printed.length, file.length - first, 'as many lines printed as the file holds');
  for (const [i, line] of printed.entries()) {
    if (line !== file[first + i])
      assert.fail(`line ${i}: ${line.slice(0, 40)}, the file has ${file[first + i]?.slice(0, 40)}`);
  }
  sample();
  assert.ok(peak <= RSS_BOUND_MB, `the follower's RSS reached ${peak.toFixed(0)} MB`);
});
