// `hive bench` interrupted (Ctrl-C, SIGTERM): the configuration being warmed up or loaded when the signal comes is
// left out rather than reported as a run of --duration seconds, and every server the bench started is stopped. The
// abort comes from the status line, at the moment the bench says what it is doing, so the test needs no timing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { runAppBench } from '../../dist/cli/bench/app-bench.js';
import { writeReport } from '../../dist/cli/bench/bench-report.js';
import { freePort, portIsFree } from '../../dist/cli/bench/free-port.js';
import { StatusLine } from '../../dist/cli/bench/status-line.js';
import { outputOf } from '../cluster/helpers.js';
import { poll } from '../poll.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function answers(port: number): Promise<boolean> {
  try {
    await (await fetch(`http://127.0.0.1:${port}/`)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** A status line that aborts the run the first time the bench shows a line matching `when`. */
class AbortWhen extends StatusLine {
  readonly lines: string[] = [];
  constructor(
    private readonly when: RegExp,
    private readonly abort: AbortController,
  ) {
    super({ quiet: true });
  }
  override show(text: string): void {
    this.lines.push(text);
    if (this.when.test(text)) this.abort.abort();
  }
}

/** A bench of single-pool then cluster-pool, aborted (as by Ctrl-C) the first time it shows a line matching `when`. */
async function abortedRun(
  when: RegExp,
  options: { duration: number; connections: number; port?: number },
  only = ['single-pool', 'cluster-pool'],
) {
  const abort = new AbortController();
  const status = new AbortWhen(when, abort);
  const report = await runAppBench({
    ...options,
    heavyConnections: 1,
    heavyN: 20,
    only,
    status,
    signal: abort.signal,
  });
  return { report, status };
}

async function interruptedRun(when: RegExp) {
  const port = await freePort();
  // Long enough that a load run on past the abort would be seen (the test's own timeout is shorter).
  const { report, status } = await abortedRun(when, { duration: 600, connections: 3, port });
  return { report, status, port };
}

test('Ctrl-C during a warm-up: the load does not start, nothing is reported, the server is stopped', {
  timeout: 120_000,
}, async () => {
  const { report, status, port } = await interruptedRun(/^single-pool: warming up/);
  assert.equal(report.interrupted, true);
  assert.deepEqual(report.configurations, []);
  assert.deepEqual(report.failed, []);
  // Nothing after the warm-up but the stop: no load, and the cluster group never started.
  assert.deepEqual(status.lines.slice(-2), ['single-pool: warming up ...', 'stopping ...']);
  assert.equal(await portIsFree(port), true);
});

test('Ctrl-C during the load: the configuration cut short is left out, the server is stopped', {
  timeout: 120_000,
}, async () => {
  const { report, status, port } = await interruptedRun(/^single-pool: 1\/600 s/);
  assert.equal(report.interrupted, true);
  assert.deepEqual(report.configurations, []);
  assert.deepEqual(report.failed, []);
  assert.equal(status.lines.at(-1), 'stopping ...');
  assert.equal(await portIsFree(port), true);
});

/** `hive bench` of single-pool for 600 s, in a child: its port, the child, and its exit code to come. */
async function startBench() {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['dist/cli/hive.js', 'bench', '--only', 'single-pool', '-d', '600', '-c', '2', '--json', '--port', String(port)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { port, child, exited };
}

// The handlers were `once`: a second SIGTERM (or Ctrl-C) before the bench had stopped its servers ended it at once
// and left examples/api running, orphaned, on its port.
test('a second SIGTERM does not end the bench before its server is stopped', async () => {
  const { port, child, exited } = await startBench();
  try {
    await poll(() => answers(port), 'examples/api serving', { timeoutMs: 90_000 });
    child.kill('SIGTERM');
    // Apart, so that the two are not merged into one delivery.
    await delay(200);
    child.kill('SIGTERM');
    assert.equal(await exited, 1);
    assert.equal(await portIsFree(port), true, 'examples/api still holds its port');
  } finally {
    child.kill('SIGKILL');
  }
});

// SIGHUP (the terminal closed, an ssh session dropped) ended the bench by default, without stopping its servers:
// examples/api (and nginx), which take SIGHUP as a reload, ran on, orphaned, with their temp folders.
test('SIGHUP ends the bench as Ctrl-C does: its servers are stopped', async () => {
  const { port, child, exited } = await startBench();
  let servers: number[] = [];
  try {
    await poll(() => answers(port), 'examples/api serving', { timeoutMs: 90_000 });
    // The bench's children (hive run), to end them here should the bench leave them behind.
    servers = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
    child.kill('SIGHUP');
    assert.equal(await exited, 1);
    assert.equal(await portIsFree(port), true, 'examples/api still holds its port');
  } finally {
    child.kill('SIGKILL');
    for (const pid of servers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
});

// The table on stdout said the run was interrupted, but --report's Markdown did not: the configurations missing read
// as never asked for, under a rerun line that asks for them.
test('--report of an interrupted run says it was interrupted', { timeout: 120_000 }, async () => {
  // single-pool measured in full; Ctrl-C as its server stops, so that cluster-pool never runs.
  const { report } = await abortedRun(/^stopping/, { duration: 1, connections: 2 });
  assert.equal(report.interrupted, true);
  assert.deepEqual(
    report.configurations.map((c) => c.name),
    ['single-pool'],
  );
  const folder = mkdtempSync(join(tmpdir(), 'hive-bench-report-'));
  try {
    const [markdown] = await writeReport(
      join(folder, 'report.md'),
      report,
      'hive bench --only single-pool,cluster-pool',
    );
    assert.match(readFileSync(markdown, 'utf8'), /^- interrupted: the configurations not listed were not run/m);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

// A Ctrl-C while the last server stopped cut nothing, yet the run was reported interrupted, exit 1 (QA): only a
// configuration cut short or not run makes it so.
test('Ctrl-C as the last server stops: the run is complete, not interrupted', { timeout: 120_000 }, async () => {
  const { report, status } = await abortedRun(/^stopping/, { duration: 1, connections: 2 }, ['single-pool']);
  assert.equal(status.lines.at(-1), 'stopping ...');
  assert.deepEqual(
    report.configurations.map((c) => c.name),
    ['single-pool'],
  );
  assert.equal(report.interrupted, false);
});

// The signal listeners went with the bench's return, before hive.ts had flushed its output and exited: a second Ctrl-C
// then ended the process by the signal (130), not with the documented exit code (QA).
test('a Ctrl-C after the bench returned, before the process exits, does not change its exit code', async () => {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const fixture = fileURLToPath(new URL('../fixtures/cli/bench-then-signal.mjs', import.meta.url));
    const child = spawn(process.execPath, [fixture, url, '-d', '1', '-c', '1', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const signal = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
    const { code, stdout, stderr } = await outputOf(child, 60_000);
    assert.deepEqual({ code, signal: await signal }, { code: 0, signal: null }, stderr);
    assert.equal(JSON.parse(stdout).interrupted, false);
  } finally {
    server.close();
  }
});
