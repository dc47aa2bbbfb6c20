// Fork mode acts on a process's exit, not on its pipes' close: a process that escaped the tree (`sleep 300 &` of a
// shell, re-parented to init) holds the pipes and must not stall a stop, a reload or a crash restart. A process
// restarted during a waitReady start goes through the restart policy (only those the start spawned fail it), and one
// not ready in time is SIGKILLed with its descendants.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isAlive } from '../../dist/cluster/proc-stat.js';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
// Not in hive.dir, which the home's cleanup removes before the hook below would read it.
const pidDir = mkdtempSync(join(tmpdir(), 'rfe-'));
const sleepsFile = join(pidDir, 'sleeps');
const pidsIn = (file: string) => readOrEmpty(file).split('\n').filter(Boolean).map(Number);
after(() => {
  for (const pid of pidsIn(sleepsFile)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(pidDir, { recursive: true, force: true });
});

const daemonLog = () => readOrEmpty(join(hive.home, 'daemon.log'));
const describe = (name: string) => hive.json<App>(['describe', name]);
const env = { SLEEPS: sleepsFile, RUNS_DIR: hive.dir };

// Each run counts itself in RUNS_DIR/<name>, starts a shell whose background `sleep 300` keeps the inherited pipes
// (its pid in SLEEPS), says `escaped <pid> run <n>` once the shell exited, and exits 1 there on run 1 when
// CRASH_FIRST is set.
const escaper = join(hive.dir, 'esc.js');
writeFileSync(
  escaper,
  `const { spawn } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const counter = require('node:path').join(process.env.RUNS_DIR, process.env.APP_TAG);
let runs = 1;
try { runs = Number(readFileSync(counter, 'utf8')) + 1; } catch {}
writeFileSync(counter, String(runs));
const sh = spawn('sh', ['-c', 'sleep 300 & echo $! >> "$SLEEPS"; exit 0'], { stdio: 'inherit' });
sh.on('exit', () => {
  console.log('escaped ' + process.pid + ' run ' + runs);
  if (runs === 1 && process.env.CRASH_FIRST) process.exit(1);
});
setInterval(() => {}, 1 << 30);
`,
);

async function startEscaper(name: string, extra: Record<string, string> = {}): Promise<void> {
  const started = await hive.run(['start', escaper, '-x', '--name', name], {
    env: { ...env, APP_TAG: name, ...extra },
  });
  assert.equal(started.code, 0, started.stderr);
}
const escapedPid = (name: string, run: number) =>
  Number(new RegExp(`escaped (\\d+) run ${run}\\n`).exec(hive.readLog(`${name}-out.log`))?.[1] ?? 0);

test('fork mode: a crashed process whose escaped descendant holds the pipes is restarted, not left online dead', async () => {
  await startEscaper('crash', { CRASH_FIRST: '1' });
  const first = await waitFor(() => escapedPid('crash', 1), 'run 1 to have escaped');
  const second = await waitFor(() => escapedPid('crash', 2), 'the crash restart (run 2)');
  assert.notEqual(second, first);
  const app = await describe('crash');
  assert.deepEqual(
    [app.status, app.restarts, app.processes.find((p) => p.role === 'worker')?.pid],
    ['online', 1, second],
  );
  assert.match(daemonLog(), new RegExp(`crash: worker 0 \\(pid ${first}\\) exited with code 1`));
});

test('fork mode: a reload does not wait on a descendant that escaped the tree', async () => {
  await startEscaper('esc');
  const first = await waitFor(() => escapedPid('esc', 1), 'run 1 to have escaped');
  const reload = hive.run(['reload', 'esc']);
  await waitFor(() => escapedPid('esc', 2), 'the reload to start run 2');
  const reloaded = await reload;
  assert.equal(reloaded.code, 0, reloaded.stderr);
  assert.match(daemonLog(), new RegExp(`esc: worker 0 \\(pid ${first}\\) exited`));
  await hive.json(['delete', 'esc']);
});

test('fork mode: a stop does not wait on a descendant that escaped the tree', async () => {
  await startEscaper('halt');
  const pid = await waitFor(() => escapedPid('halt', 1), 'run 1 to have escaped');
  const stopped = await hive.run(['stop', 'halt']);
  assert.equal(stopped.code, 0, stopped.stderr);
  // Said by the primary once it has acted on the exit: before, only at the pipes' close, which never came (the daemon
  // SIGKILLed the primary at its stop timeout).
  assert.match(daemonLog(), new RegExp(`halt: worker 0 \\(pid ${pid}\\) exited`));
  assert.doesNotMatch(daemonLog(), /halt: primary pid \d+ exited with signal SIGKILL/);
  assert.equal((await describe('halt')).status, 'stopped');
});

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

test('wait_ready: a process not ready in time is SIGKILLed with its descendants (treekill)', async () => {
  // Run 1 is ready and exits; every later run starts a `sleep 300` (its pid in SLEEPS) and never says ready.
  const script = join(hive.dir, 'late.js');
  writeFileSync(
    script,
    `const { spawn } = require('node:child_process');
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
const counter = require('node:path').join(process.env.RUNS_DIR, 'late');
let runs = 1;
try { runs = Number(readFileSync(counter, 'utf8')) + 1; } catch {}
writeFileSync(counter, String(runs));
if (runs === 1) {
  process.send('ready');
  setTimeout(() => process.exit(1), 300);
} else {
  const sleep = spawn('sleep', ['300'], { stdio: 'ignore' });
  appendFileSync(process.env.SLEEPS, sleep.pid + '\\n');
  console.log('child ' + sleep.pid);
}
setInterval(() => {}, 1 << 30);
`,
  );
  // Run 1 must boot and say ready, and run 2 start its child and print it, within the listen timeout: a loaded CI
  // machine has taken over a second to boot one process, so 2.5 s (the one wait the test sits out), not 1 s.
  const entry = { name: 'late', script, exec_mode: 'fork', wait_ready: true, listen_timeout: 2500 };
  const file = hive.writeConfig([entry], 'late.config.js');
  const started = await hive.run(['start', file], { env });
  assert.equal(started.code, 0, started.stderr);
  const child = await waitFor(
    () => Number(/child (\d+)\n/.exec(hive.readLog('late-out.log'))?.[1] ?? 0),
    'a restarted process to start its child',
  );
  await waitFor(() => /late: warning: Worker 0 did not become ready/.test(daemonLog()), 'the not-ready kill');
  await waitFor(() => !isAlive(child), 'the child of the process not ready in time gone with it');
  await hive.json(['delete', 'late']);
});
