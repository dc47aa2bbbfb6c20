// A process restarted during a waitReady start goes through the restart policy: only those the start spawned fail it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const daemonLog = () => readOrEmpty(join(hive.home, 'daemon.log'));
const describe = (name: string) => hive.json<App>(['describe', name]);
const env = { RUNS_DIR: hive.dir };

test('wait_ready: an instance restarted while another keeps the start waiting is restarted again, not dropped', async () => {
  const gate = join(hive.dir, 'wr-gate');
  // Instance 0: ready, then exits (run 1); exits at once (run 2); ready and stays (run 3 on). Instance 1: ready once
  // the test's gate exists, holding the start until then.
  const script = join(hive.dir, 'wr.js');
  writeFileSync(
    script,
    `const { existsSync, readFileSync, writeFileSync } = require('node:fs');
if (process.env.HIVE_INSTANCE === '0') {
  const counter = require('node:path').join(process.env.RUNS_DIR, 'wr-0');
  let runs = 1;
  try { runs = Number(readFileSync(counter, 'utf8')) + 1; } catch {}
  writeFileSync(counter, String(runs));
  console.log('run ' + runs + ' pid ' + process.pid);
  if (runs === 2) process.exit(1);
  process.send('ready');
  if (runs === 1) setTimeout(() => process.exit(1), 300);
} else {
  const check = setInterval(() => {
    if (!existsSync(process.env.WR_GATE)) return;
    clearInterval(check);
    process.send('ready');
  }, 50);
}
setInterval(() => {}, 1 << 30);
`,
  );
  const starting = hive.run(['start', script, '-x', '-i', '2', '--wait-ready'], { env: { ...env, WR_GATE: gate } });
  const runPid = (run: number) =>
    Number(new RegExp(`run ${run} pid (\\d+)\\n`).exec(hive.readLog('wr-out.log'))?.[1] ?? 0);
  const second = await waitFor(() => runPid(2), 'instance 0 to run a second time');
  await waitFor(
    () => new RegExp(`wr: worker 0 \\(pid ${second}\\) exited`).test(daemonLog()),
    'its second exit, seen while the start still waits on instance 1',
  );
  writeFileSync(gate, '');
  const started = await starting;
  assert.equal(started.code, 0, started.stderr);
  assert.match(daemonLog(), new RegExp(`wr: worker 0 \\(pid ${second}\\) exited with code 1 \\(crash\\)`));
  const third = await waitFor(() => runPid(3), 'instance 0 restarted after its second exit');
  await waitFor(async () => (await describe('wr')).ready === 2, 'both instances ready');
  const app = await describe('wr');
  assert.equal(app.status, 'online');
  assert.ok(app.processes.some((p) => p.pid === third));
  await hive.json(['delete', 'wr']);
});
