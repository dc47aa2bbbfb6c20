import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockLoop, fixture, freePort, killAll, unblockLoop } from '../cluster/helpers.js';
import { type Described, pidOf, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a config memoryReportInterval that is no duration is an ERR_HIVE_CONFIG naming the file, app and key', async () => {
  const app = { name: 'r', script: fixture('blocked-loop.mjs'), memoryReportInterval: 'soon' };
  const config = hive.writeConfig([app], 'bad-interval.config.json');
  const result = await hive.run(['start', config]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_CONFIG: .*bad-interval\.config\.json: apps\[0\] \(r\)\.memoryReportInterval: /);
});

test('a config memoryReportInterval on a fork-mode app is an ERR_HIVE_CONFIG naming the file, app and key', async () => {
  // A fork-mode app sends no memory reports: the interval would be taken and never used. PM2's file too, whose
  // default mode (no instances) is fork.
  for (const [name, app] of [
    [
      'hive.config.json',
      { name: 'f', script: fixture('blocked-loop.mjs'), execMode: 'fork', memoryReportInterval: '2s' },
    ],
    ['ecosystem.config.js', { name: 'f', script: fixture('blocked-loop.mjs'), memoryReportInterval: 500 }],
  ] as const) {
    const config = hive.writeConfig([app], name);
    const result = await hive.run(['start', config]);
    assert.equal(result.code, 2, result.stderr);
    const key = new RegExp(
      `ERR_HIVE_CONFIG: .*${name.replaceAll('.', '\\.')}: apps\\[0\\] \\(f\\)\\.memoryReportInterval: a fork-mode app`,
    );
    assert.match(result.stderr, key);
  }
  assert.deepEqual(await hive.json(['ls']), []);
});

test("a config memoryReportInterval reaches the app's primary: a worker is marked after three of its intervals", async () => {
  const port = await freePort();
  // 2 s: three intervals (6 s) are over the 3 s floor the default interval (1 s) gives, so the mark's silence tells.
  const app = { name: 'api', script: fixture('blocked-loop.mjs'), instances: 1, port, memoryReportInterval: '2s' };
  const config = hive.writeConfig([app], 'interval.config.json');
  const start = await hive.run(['start', config]);
  assert.equal(start.code, 0, start.stderr);
  try {
    const worker = pidOf(await hive.json<Described>(['describe', 'api']), 'worker');
    blockLoop(worker);
    const marked = new RegExp(`api: worker 0 \\(pid ${worker}\\) unresponsive: no report for (\\d+\\.\\d) s`);
    const silent = await waitFor(() => marked.exec(hive.readLog('../daemon.log'))?.[1], 'the mark in daemon.log');
    assert.ok(Number(silent) >= 6, `marked after ${silent} s of silence, not three 2 s intervals`);
    unblockLoop(worker);
  } finally {
    await killAll();
  }
});
