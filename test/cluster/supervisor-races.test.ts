// Regression tests for races of the Supervisor with its workers: IPC back-pressure, handles a worker dies holding,
// topology changes while workers are still starting, and a worker retired behind the primary's back.
// Most tests drive one in-process Supervisor (node:cluster is process-global: one at a time) and stop it in `finally`.
// node:cluster also freezes its scheduling policy at the first setupPrimary() of a process: the in-process supervisors
// here all use SCHED_NONE (sticky, or balance 'os' where the policy does not matter), and the one test that needs
// round-robin runs its supervisor in a driver process of its own.
// Outcomes are counts and states; every wait is bounded, so a hang fails the test naming what hung.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  Supervisor,
  type SupervisorEvent,
  type SupervisorOptions,
  type WorkerLine,
  type WorkerMetrics,
} from '../../dist/cluster/index.js';
import { poll } from '../poll.js';
import { type AppReply, fixture, freePort, type HiveRecord, isEvent, killAll, startDriver, until } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-races-'));
after(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** How one request ended: answered, failed (reset, refused...) or still unanswered after the bound (a hang). */
interface Outcome {
  path: string;
  ok: boolean;
  hung: boolean;
  reply?: AppReply;
  error?: string;
}

const HANG_MS = 8_000;

/**
 * GETs `path` on a connection of its own; never rejects. Not helpers' get(): that one throws on a reset and waits
 * for undici's 300 s headers timeout, and these tests must tell a reset (acceptable) from a hang (the bug).
 */
function attempt(port: number, path: string, timeoutMs = HANG_MS): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Omit<Outcome, 'path'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ path, ...outcome });
    };
    const req = http.request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        try {
          settle({ ok: res.statusCode === 200, hung: false, reply: JSON.parse(body) as AppReply });
        } catch {
          settle({ ok: false, hung: false, error: `HTTP ${res.statusCode}: ${body}` });
        }
      });
      res.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, hung: false, error: error.code }));
    });
    const timer = setTimeout(() => {
      settle({ ok: false, hung: true, error: `no answer in ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle({ ok: false, hung: false, error: error.code ?? error.message }),
    );
    req.end();
  });
}

/** Sends `/queued-0` to `/queued-2`, 30 ms apart, each behind the ones before it; their outcomes, once all are sent. */
async function queueThree(port: number): Promise<Promise<Outcome>[]> {
  const queued: Promise<Outcome>[] = [];
  for (let i = 0; i < 3; i++) {
    queued.push(attempt(port, `/queued-${i}`));
    await delay(30);
  }
  return queued;
}

const summary = (outcomes: Outcome[]) =>
  outcomes.map((o) => `${o.path}: ${o.ok ? `pid ${o.reply?.pid}` : o.error}`).join('; ');

/** Settles with `promise`'s outcome, or as 'timeout' after `ms` (a hang detector, never an assertion on speed). */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: Error } | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: Error) => ({ error }),
    ),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A supervisor whose events are recorded from its creation on. */
function supervise(options: SupervisorOptions) {
  const sup = new Supervisor(options);
  const events: SupervisorEvent[] = [];
  sup.on('event', (event: SupervisorEvent) => events.push(event));
  return { sup, events };
}

/**
 * Like helpers' until() but checking every millisecond: for a process that was just forked, which must be caught
 * before its runtime has loaded (the window of the dropped messages is that short).
 */
async function soon(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await poll(check, what, { timeoutMs, everyMs: 1 });
}

const readyCount = (sup: Supervisor) => sup.workers.filter((w) => w.state === 'ready').length;

test('a reload does not SIGKILL an old sticky worker whose IPC queue is backed up; it drains and exits itself', async () => {
  const port = await freePort();
  const { sup, events } = supervise({
    script: fixture('race-block.cjs'),
    instances: 1,
    port,
    sticky: 'ip',
    killTimeout: 10_000,
    drainIdleGrace: 200,
  });
  try {
    await sup.start();
    const old = sup.workers[0]!.pid;
    assert.equal((await attempt(port, '/warm')).ok, true);
    const inFlight = attempt(port, '/block?ms=2500');
    await delay(200);
    // The old worker busy-waits now: the first of these handles waits for its ACK, the others queue behind it, and so
    // does the reload's shutdown message, for which child.send() then returns false (back-pressure, not a dead channel).
    const queued = await queueThree(port);
    await delay(100);
    await sup.reload();
    const exit = events.find((e) => e.type === 'exit' && e.pid === old);
    assert.ok(exit && exit.type === 'exit', 'the reload resolved before the old worker exited');
    assert.deepEqual(
      { signal: exit.signal, killed: exit.killed, expected: exit.expected },
      { signal: null, killed: false, expected: true },
      'the old worker was killed instead of drained',
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'killed'),
      [],
    );
    const block = await inFlight;
    assert.equal(block.ok, true, `the in-flight request failed: ${block.error}`);
    assert.equal(block.reply?.pid, old);
    // The queued connections were handed over before the shutdown: served by the old worker, or at worst closed.
    const rest = await Promise.all(queued);
    assert.deepEqual(
      rest.filter((o) => o.hung).map((o) => o.path),
      [],
      summary(rest),
    );
  } finally {
    await sup.stop();
  }
});

test('scaling down (round-robin) does not SIGKILL a busy worker whose IPC queue is backed up', async () => {
  const port = await freePort();
  // A process of its own: the bug needs round-robin's 'newconn' handles, and this process's policy is SCHED_NONE.
  const hive = startDriver({
    script: fixture('race-block.cjs'),
    instances: 2,
    port,
    killTimeout: 10_000,
    drainIdleGrace: 200,
  });
  const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;
  try {
    assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
    const removed = hive.readyPids().get(1);
    assert.ok(removed !== undefined, 'no ready worker 1');
    // Round-robin deals the two connections to the two free workers (a worker is free again once it has taken one):
    // both busy-wait.
    const inFlight = [attempt(port, '/block?ms=2500'), attempt(port, '/block?ms=2500')];
    await delay(300);
    // Each worker is handed one more 'newconn' handle it cannot acknowledge yet; scale(1)'s cluster-size and shutdown
    // messages queue behind worker 1's, and the second queued send returns false.
    const queued = [attempt(port, '/queued-a'), attempt(port, '/queued-b')];
    await delay(200);
    hive.command('scale 1');
    const scaled = await hive.waitFor(isResult('scale'), 'scale 1', 20_000);
    assert.equal(scaled.ok, true, String(scaled.message));
    const exit = hive.records.find(isEvent('exit', { pid: removed }));
    assert.ok(exit, 'scale(1) resolved before the removed worker exited');
    assert.deepEqual(
      { signal: exit.signal, killed: exit.killed, expected: exit.expected },
      { signal: null, killed: false, expected: true },
      'the removed worker was killed instead of drained',
    );
    assert.deepEqual(hive.records.filter(isEvent('killed')), []);
    const blocks = await Promise.all(inFlight);
    assert.deepEqual(
      blocks.filter((o) => !o.ok),
      [],
      `an in-flight request failed: ${summary(blocks)}`,
    );
    const rest = await Promise.all(queued);
    assert.deepEqual(
      rest.filter((o) => o.hung).map((o) => o.path),
      [],
      summary(rest),
    );
  } finally {
    if (hive.child.exitCode === null && hive.child.signalCode === null) {
      hive.child.stdin?.on('error', () => {});
      hive.command('stop');
    }
    // Bounded: after() SIGKILLs a driver that does not stop (its workers exit with its IPC channel).
    await settledWithin(hive.exited, 15_000);
  }
});

test('sticky connections queued to a worker that dies before acknowledging them are closed, not left hanging', async () => {
  const port = await freePort();
  const { sup, events } = supervise({ script: fixture('race-block.cjs'), instances: 1, port, sticky: 'ip' });
  try {
    await sup.start();
    const crashing = attempt(port, '/crash-block?ms=1000');
    await delay(200);
    // Handed to the worker while it busy-waits; it exits 1 without having acknowledged the first of them.
    const queued = await queueThree(port);
    assert.equal((await crashing).ok, false);
    const rest = await Promise.all(queued);
    // A reset or an error is fine (the worker is gone); a client left waiting forever is not.
    assert.deepEqual(
      rest.filter((o) => o.hung).map((o) => o.path),
      [],
      summary(rest),
    );
    // The slot itself recovered: a restart, and a new connection reaches the new worker.
    await until(() => events.some((e) => e.type === 'restart' && e.instance === 0), 'a restart of worker 0', 10_000);
    await until(() => readyCount(sup) === 1, 'the restarted worker ready', 10_000);
    assert.equal((await attempt(port, '/fresh')).ok, true);
  } finally {
    await sup.stop();
  }
});

test('a worker that crashes after it was ready, while start() waits for a slower one, is restarted', async () => {
  const raceDir = mkdtempSync(join(dir, 'crash-once-'));
  const port = await freePort();
  const { sup, events } = supervise({
    script: fixture('race-crash-once.cjs'),
    instances: 2,
    port,
    balance: 'os',
    env: { RACE_DIR: raceDir },
  });
  try {
    // Instance 0 is ready, then crashes; instance 1 becomes ready only after that crash.
    await sup.start();
    const restarted = () => events.some((e) => e.type === 'restart' && e.instance === 0);
    // Bounded; the assertion below says what was missing.
    await until(() => restarted() && readyCount(sup) === 2, 'a restart of worker 0 and 2 ready workers', 10_000).catch(
      () => {},
    );
    assert.ok(
      restarted() && readyCount(sup) === 2,
      `restart of worker 0: ${restarted()}; workers: ${JSON.stringify(sup.workers.map((w) => [w.instance, w.state]))}`,
    );
    assert.deepEqual(
      sup.workers.map((w) => w.instance),
      [0, 1],
    );
    assert.equal(sup.state, 'online');
  } finally {
    await sup.stop();
  }
});

test('reload() called while start() still waits for a slow worker does not tear the app down', async () => {
  const raceDir = mkdtempSync(join(dir, 'slow-first-'));
  const port = await freePort();
  const { sup } = supervise({
    script: fixture('race-slow-first.cjs'),
    instances: 2,
    port,
    balance: 'os',
    env: { RACE_DIR: raceDir },
  });
  // Like a SIGHUP to `hive run`, or a daemon 'reload', right after the app began starting.
  const cold = new Promise<void>((resolve) => {
    sup.on('line', ({ line }: WorkerLine) => {
      if (line === 'cold start') resolve();
    });
  });
  try {
    const started = settledWithin(sup.start(), 30_000);
    assert.notEqual(await settledWithin(cold, 10_000), 'timeout', 'worker 0 never started its cold start');
    // Worker 0's first process is still starting; its replacement will be ready at once.
    const reloaded = settledWithin(sup.reload(), 30_000);
    const [start, reload] = await Promise.all([started, reloaded]);
    assert.ok(start !== 'timeout' && !('error' in start), `start(): ${describeSettled(start)}`);
    assert.ok(reload !== 'timeout' && !('error' in reload), `reload(): ${describeSettled(reload)}`);
    await until(() => readyCount(sup) === 2 && sup.workers.length === 2, '2 ready workers', 10_000);
    assert.equal(sup.state, 'online');
    for (let i = 0; i < 4; i++) assert.equal((await attempt(port, `/after-${i}`)).ok, true);
  } finally {
    await sup.stop();
  }
});

function describeSettled(settled: { value: unknown } | { error: Error } | 'timeout'): string {
  if (settled === 'timeout') return 'still pending (hung)';
  return 'error' in settled ? `rejected: ${settled.error.message}` : 'resolved';
}

test("sampleRequests() reaches a worker that is still starting (a reload's replacement)", async () => {
  const port = await freePort();
  const { sup } = supervise({
    script: fixture('app.js'),
    instances: 1,
    port,
    balance: 'os',
    memoryReportInterval: 300,
  });
  const samples = new Map<number, number>();
  sup.on('metrics', ({ pid, report }: WorkerMetrics) => {
    samples.set(pid, (samples.get(pid) ?? 0) + (report.samples?.length ?? 0));
  });
  // Requests to the app until `pid` has reported a sample; false after 10 report intervals without one.
  const sampled = async (pid: number) => {
    for (let i = 0; i < 10; i++) {
      if ((samples.get(pid) ?? 0) > 0) return true;
      for (let j = 0; j < 5; j++) await attempt(port, `/r-${i}-${j}`);
      await delay(300);
    }
    return (samples.get(pid) ?? 0) > 0;
  };
  try {
    await sup.start();
    // Control: a ready worker told to sample does report samples (so a failure below is the drop, not the setup).
    const first = sup.workers[0]!.pid;
    sup.sampleRequests(5);
    assert.equal(await sampled(first), true, 'a ready worker reported no samples after sampleRequests(5)');
    sup.sampleRequests(0);

    // Two reloads: each replacement is forked with sampling off, then sampling is turned on while it still starts.
    const silent: number[] = [];
    for (let trial = 0; trial < 2; trial++) {
      sup.sampleRequests(0);
      const reload = sup.reload();
      await soon(() => sup.workers.some((w) => w.state === 'starting'), 'the replacement forked');
      const fresh = sup.workers.find((w) => w.state === 'starting')!.pid;
      sup.sampleRequests(5);
      await reload;
      if (!(await sampled(fresh))) silent.push(fresh);
    }
    assert.deepEqual(silent, [], 'replacements that never reported samples');
  } finally {
    await sup.stop();
  }
});

test('scale() tells a crash-restarted worker that is still starting the new cluster size', async () => {
  const port = await freePort();
  const { sup } = supervise({ script: fixture('race-size.cjs'), instances: 2, port, balance: 'os' });
  // What each process last printed: the fixture prints its HIVE_CLUSTER_SIZE every 100 ms.
  const sizes = new Map<number, string>();
  sup.on('line', ({ pid, line }: WorkerLine) => {
    if (line.startsWith('size ')) sizes.set(pid, line.slice('size '.length));
  });
  try {
    await sup.start();
    process.kill(sup.workers.find((w) => w.instance === 1)!.pid, 'SIGKILL');
    // The crash is restarted after a short backoff; scale while the new process is still starting.
    await soon(() => sup.workers.some((w) => w.instance === 1 && w.state === 'starting'), 'worker 1 restarting');
    const restarted = sup.workers.find((w) => w.instance === 1 && w.state === 'starting')!.pid;
    await sup.scale(3);
    assert.equal(sup.size, 3);
    await until(() => readyCount(sup) === 3, '3 ready workers', 10_000);
    // Caught so that the assertion below says what each process printed; a dropped message leaves it at 2 for good.
    await until(() => sizes.get(restarted) === '3', 'the restarted worker seeing size 3').catch(() => {});
    assert.equal(
      sizes.get(restarted),
      '3',
      `the restarted worker (pid ${restarted}) prints size ${sizes.get(restarted)}; all: ${JSON.stringify([...sizes])}`,
    );
  } finally {
    await sup.stop();
  }
});

test('sticky: clients of a worker draining after a direct SIGTERM are routed to another ready worker', async () => {
  const port = await freePort();
  // The kill timeout outlasts the test: the target drains until the gate opens, not until a bound.
  const { sup } = supervise({ script: fixture('app.js'), instances: 2, port, sticky: 'ip', killTimeout: 120_000 });
  const gateDir = mkdtempSync(join(tmpdir(), 'sr-'));
  const gate = join(gateDir, 'gate');
  let received = false;
  sup.on('line', ({ line }: WorkerLine) => {
    if (line.includes('slow request received')) received = true;
  });
  try {
    await sup.start();
    const first = await attempt(port, '/who');
    assert.equal(first.ok, true);
    // Every loopback client hashes to this worker.
    const target = first.reply!.pid;
    // An in-flight request, answered once the gate file exists, keeps the target draining (alive) after the SIGTERM.
    const slow = attempt(port, `/slow?gate=${encodeURIComponent(gate)}`, 120_000);
    await soon(() => received, 'the slow request to reach the target');
    process.kill(target, 'SIGTERM');
    await soon(() => sup.workers.find((w) => w.pid === target)?.state === 'draining', 'the target to drain');
    const during: Outcome[] = [];
    for (let i = 0; i < 10; i++) {
      during.push(await attempt(port, `/during-${i}`));
      await delay(100);
    }
    assert.deepEqual(
      during.filter((o) => !o.ok || o.reply?.pid === target).map((o) => o.path),
      [],
      `while ${target} drained: ${summary(during)}`,
    );
    writeFileSync(gate, '');
    assert.equal((await slow).ok, true, 'the draining worker did not finish its in-flight request');
  } finally {
    writeFileSync(gate, '');
    await sup.stop();
    rmSync(gateDir, { recursive: true, force: true });
  }
});
