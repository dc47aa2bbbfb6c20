// A fork-mode app that logs as fast as it can: its primary wrote every line to the daemon unbounded (~2 GB seen), the
// daemon queued every line for its log file unbounded, and `hive flush` timed out waiting for that queue.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Described, daemonFixture, pidOf, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// Resident memory of a process, in bytes (0 once it is gone).
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readOrEmpty(`/proc/${pid}/status`));
  return match ? Number(match[1]) * 1024 : 0;
}

test('a fork-mode app logging as fast as it can keeps its primary bounded, the daemon answering, and its last line', async () => {
  const half = join(hive.dir, 'flood-half');
  const done = join(hive.dir, 'flood-done');
  // A few seconds of logging: the primary held about 300 bytes per line before, 2 million lines far over the bound.
  const env = { FLOOD_LINES: '2000000', FLOOD_HALF: half, FLOOD_DONE: done };
  await hive.json(['start', daemonFixture('log-flood.cjs'), '-x', '--name', 'flood'], { env });
  const primary = pidOf(await hive.json<Described>(['describe', 'flood']), 'primary');
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, rssOf(primary));
  };
  const sampling = setInterval(sample, 50);
  try {
    // While it floods, well into it (a million lines behind it): the daemon answers, and empties the app's logs.
    await waitFor(() => existsSync(half), 'the app to write half its lines', 300_000);
    const [listed] = await hive.json<Described[]>(['ls']);
    assert.equal(listed!.name, 'flood');
    const flushed = await hive.json<{ apps: { name: string; files: string[] }[] }>(['flush', 'flood']);
    assert.ok(flushed.apps[0]!.files.some((file) => file.endsWith('flood-out.log')));
    await waitFor(() => existsSync(done), 'the app to write all its lines', 300_000);
  } finally {
    clearInterval(sampling);
  }
  sample();
  assert.ok(peak > 0, 'the primary was sampled');
  assert.ok(peak < 300 * 1024 * 1024, `the fork primary's RSS peaked at ${Math.round(peak / 1024 / 1024)} MiB`);
  const out = join(hive.home, 'logs', 'flood-out.log');
  // The daemon has caught up once a line the app wrote after its flood is in the file.
  await waitFor(() => /\[flood:0\] tick \d+\n/.test(readOrEmpty(out)), 'a tick after the flood');
  await hive.json(['stop', 'flood']);
  await waitFor(() => readOrEmpty(out).endsWith('[flood:0] last line\n'), 'the last line, last in the log');
  const daemonLog = readFileSync(join(hive.home, 'daemon.log'), 'utf8');
  assert.match(daemonLog, /flood: app stopping\n/);
  assert.match(daemonLog, /flood: worker 0 \(pid \d+\) exited with code 0\n/);
  // Any gap the bounds made is counted where it was, never silent.
  const lines = readOrEmpty(out).split('\n');
  const floods = lines.filter((line) => line.startsWith('[flood:0] flood ')).map((line) => Number(line.split(' ')[2]));
  const marked = lines.some((line) => / line\(s\) of the app's output dropped here/.test(line));
  const warned = /flood: warning: \d+ line\(s\) of the app's output dropped/.test(daemonLog);
  const contiguous = floods.every((n, k) => k === 0 || n === floods[k - 1]! + 1);
  assert.ok(contiguous || marked || warned, 'a gap in the lines is marked');
  await hive.json(['delete', 'flood']);
});
