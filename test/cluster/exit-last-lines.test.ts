// A process's exit is reported once what it wrote before it has been read: the primary had its stdout pipe paused
// (its output reader behind, output-hold.ts) and reported the exit before reading what waited in the pipe, so that
// `hive run` of an app that ended by itself could exit without the app's last lines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fixture } from './helpers.js';

test("a process's exit is reported after the last lines it left in its held pipe", () => {
  // ~88 KB: more than the primary's stream buffer holds, less than it and the pipe do (or the app could not exit).
  const lines = 1000;
  const run = spawnSync(process.execPath, [fixture('last-lines-driver.mjs'), fixture('last-lines-app.mjs')], {
    env: { ...process.env, LAST_LINES: String(lines) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const counts = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { atExit: number; all: number };
  assert.deepEqual(counts, { atExit: lines + 1, all: lines + 1 });
});
