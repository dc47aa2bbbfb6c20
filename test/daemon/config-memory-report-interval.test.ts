import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { blockLoop, fixture, freePort, killAll, unblockLoop } from '../cluster/helpers.js';
import { type Described, pidOf, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a config memoryReportInterval that is no duration is an ERR_HIVE_CONFIG naming the file, app and key', async () => {
  const config = join(hive.dir, 'bad-interval.config.json');
  const app = { name: 'r', script: fixture('blocked-loop.mjs'), memoryReportInterval: 'soon' };
  writeFileSync(config, JSON.stringify({ apps: [app] }));
  const result = await hive.run(['start', config]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_CONFIG: .*bad-interval\.config\.json: apps\[0\] \(r\)\.memoryReportInterval: /);
});

test("a config memoryReportInterval reaches the app's primary: a worker is marked after three of its intervals", async () => {
  const port = await freePort();
  const config = join(hive.dir, 'interval.config.json');
  // 2 s: three intervals (6 s) are over the 3 s floor the default interval (1 s) gives, so the mark's silence tells.
  const app = { name: 'api', script: fixture('blocked-loop.mjs'), instances: 1, port, memoryReportInterval: '2s' };
  writeFileSync(config, JSON.stringify({ apps: [app] }));
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
