// What a crash is named by comes from the stderr lines the primary keeps of each process itself, before its bound drops
// the app's lines while the daemon is far behind (stdout's: stderr lines have a reserve of their own, so the crash
// report reaches the error log too): a crash loop's last error (the errored event's tail), and a failed
// start's message (the not-ready error's tail). A crash loop's last error was the tail's last 3 lines, which of a Node
// crash report are its stack's end and the `Node.js v20.x` footer; a failed start's quote of the tail was left out of
// the error log as a copy of the app's own lines, which had been dropped: the trace was in no log.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Described, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// Each run notes its primary's pid; the first waits for `GO`, then writes 40 MiB to stdout, far over the primary's
// 16 MiB bound while the daemon reads nothing. Every run then throws.
const app = `const fs = require('node:fs');
fs.appendFileSync(process.env.RUNS, process.ppid + '\\n');
if (fs.readFileSync(process.env.RUNS, 'utf8').split('\\n').length === 2) {
  while (!fs.existsSync(process.env.GO)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  const chunk = ('x'.repeat(1023) + '\\n').repeat(1024);
  for (let i = 0; i < 40; i++) fs.writeSync(1, chunk);
}
throw new Error('boom after the flood');
`;

// What a process's descriptors are open on (`pipe:[n]`, `socket:[n]`, files): none once it is gone.
function openFiles(pid: number): Set<string> {
  const fds = join('/proc', String(pid), 'fd');
  const links = new Set<string>();
  try {
    for (const fd of readdirSync(fds)) {
      try {
        links.add(readlinkSync(join(fds, fd)));
      } catch {}
    }
  } catch {}
  return links;
}

/**
 * Starts the app (`hive start` with `flags`, not awaited: a failed start answers only once the daemon reads again),
 * and once its first run waits, stops the daemon (SIGSTOP) and lets the run flood; the daemon goes on (SIGCONT) once
 * `runs` runs have crashed and the primary has read their output to its end, the crash reports dropped.
 */
async function floodWhileDaemonStopped(name: string, flags: string[], runs: number) {
  const script = join(hive.dir, `${name}.cjs`);
  writeFileSync(script, app);
  const runsFile = join(hive.dir, `${name}-runs`);
  const go = join(hive.dir, `${name}-go`);
  const started = hive.run(['start', script, '-x', '--name', name, ...flags], { env: { RUNS: runsFile, GO: go } });
  const primary = Number(await waitFor(() => readOrEmpty(runsFile).split('\n')[0], 'the first run'));
  const daemon = await hive.daemonPid();
  assert.ok(daemon);
  process.kill(daemon, 'SIGSTOP');
  try {
    // With the first run's stdout, stderr and IPC channel among them: it waits for GO.
    const withFirst = openFiles(primary);
    writeFileSync(go, '');
    // The runs have ended, and the primary has read their output to its end: it closed the first's three descriptors,
    // and holds none it did not hold then (a later run's).
    await waitFor(
      () => {
        const open = openFiles(primary);
        const closedAll = [...open].every((file) => withFirst.has(file)) && open.size <= withFirst.size - 3;
        return readOrEmpty(runsFile).split('\n').length === runs + 1 && closedAll;
      },
      `${runs} run(s) to crash and their output to be read`,
      120_000,
    );
  } finally {
    process.kill(daemon, 'SIGCONT');
  }
  return started;
}

/**
 * The flood's stdout lines were dropped (the gap counted in daemon.log), while the crash report, on stderr, outlived
 * them (the stderr lines' reserve in the primary's bound): once the daemon has written that far, the error log has the
 * app's own trace.
 */
async function assertReportKept(name: string): Promise<string> {
  await waitFor(
    () => new RegExp(`\\[${name}:0\\] .*boom after the flood`).test(hive.readLog(`${name}-error.log`)) || undefined,
    'the crash report in the error log',
    60_000,
  );
  const daemonLog = readFileSync(join(hive.home, 'daemon.log'), 'utf8');
  assert.match(daemonLog, new RegExp(`${name}: warning: \\d+ line\\(s\\) of the app's output dropped`));
  return daemonLog;
}

test('a crash loop under a log backlog: describe names the error from the errored event', async () => {
  // Every crash counts toward --max-restarts however long the run (the first floods for a while): errored at the
  // second.
  const started = await floodWhileDaemonStopped('ft', ['--max-restarts', '1', '--min-uptime', '1h'], 2);
  assert.equal(started.code, 0, started.stderr);
  const errored = await waitFor(async () => {
    const app = await hive.json<Described>(['describe', 'ft']);
    return app.status === 'errored' && app.lastError ? app : undefined;
  }, 'the app to be errored');
  assert.equal(errored.lastError, 'worker 0 crash-looped: Error: boom after the flood');
  const described = await hive.run(['describe', 'ft']);
  assert.match(described.stdout, /last error\s+worker 0 crash-looped: Error: boom after the flood\n/);
  const daemonLog = await assertReportKept('ft');
  // The errored event quotes the whole tail there.
  assert.match(
    daemonLog,
    /ft: worker 0 crash-looped .*Last stderr lines:\n(?: {2}.*\n)*? {2}Error: boom after the flood\n/,
  );
  await hive.json(['delete', 'ft']);
});

test("a failed start under a log backlog: hive start's message and describe have the crash report", async () => {
  const started = await floodWhileDaemonStopped('fs', ['--wait-ready', '--listen-timeout', '10m'], 1);
  assert.equal(started.code, 1, started.stdout);
  assert.match(
    started.stderr,
    /did not become ready: it exited \(code 1\) before it was ready: Error: boom after the flood/,
  );
  assert.match(started.stderr, /\n {2}Error: boom after the flood\n {6}at Object\.<anonymous> \(.*fs\.cjs:\d+:\d+\)\n/);
  const app = await hive.json<Described>(['describe', 'fs']);
  assert.equal(app.status, 'errored');
  assert.match(app.lastError ?? '', /before it was ready: Error: boom after the flood$/);
  await assertReportKept('fs');
  await hive.json(['delete', 'fs']);
  // The trace once, the app's own: the failure's quote of it came first (on the primary's stderr, while its stdout
  // still held the flood), before the app's lines it quotes, and was written as well, for a second copy.
  const frames = hive.readLog('fs-error.log').match(/at Object\.<anonymous> \(.*fs\.cjs:\d+:\d+\)/g) ?? [];
  assert.equal(frames.length, 1, hive.readLog('fs-error.log'));
});
