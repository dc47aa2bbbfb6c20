// The programmatic Supervisor's life as a tool author sees it: start() once, a stop() during start(), a `starting`
// event with the pid of every fork, and what reload() and scale() resolve to. One in-process supervisor at a time
// (node:cluster is process-global), each stopped in `finally`; balance 'os' throughout, as node:cluster freezes its
// scheduling policy at the first fork of a process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { Supervisor, type SupervisorEvent, type SupervisorOptions } from '../../dist/cluster/index.js';
import { poll } from '../poll.js';

const script = new URL('../fixtures/cluster/app.js', import.meta.url).pathname;
const hiveBin = new URL('../../dist/cli/hive.js', import.meta.url).pathname;

function supervise(options: Partial<SupervisorOptions>): { supervisor: Supervisor; events: SupervisorEvent[] } {
  const supervisor = new Supervisor({ script, balance: 'os', ...options });
  const events: SupervisorEvent[] = [];
  supervisor.on('event', (event: SupervisorEvent) => events.push(event));
  return { supervisor, events };
}

const workerEvents = (events: SupervisorEvent[], state: string) =>
  events.filter((e): e is Extract<SupervisorEvent, { type: 'worker' }> => e.type === 'worker' && e.state === state);

test('start() twice says the supervisor is already started; after stop() it says it is stopped', async () => {
  const { supervisor } = supervise({ instances: 1 });
  try {
    await supervisor.start();
    await assert.rejects(supervisor.start(), {
      code: 'ERR_HIVE_SUPERVISOR_STARTED',
      message: /already started/,
    });
    assert.equal(supervisor.state, 'online');
  } finally {
    await supervisor.stop();
  }
  await assert.rejects(supervisor.start(), { code: 'ERR_HIVE_SUPERVISOR_STOPPED', message: /stopped/ });
});

test('stop() during start(): start() rejects with ERR_HIVE_SUPERVISOR_STOPPED; no unready worker is draining', async () => {
  // waitReady with an app that never says ready: the workers stay starting until the stop.
  const { supervisor, events } = supervise({ instances: 2, waitReady: true, listenTimeout: 120_000 });
  const listening = new Set<number>();
  supervisor.on('line', ({ pid, line }) => {
    if (line.startsWith('listening')) listening.add(pid);
  });
  const started = supervisor.start();
  started.catch(() => {});
  try {
    await poll(() => listening.size === 2, 'both workers to listen');
    await supervisor.stop();
    await assert.rejects(started, { code: 'ERR_HIVE_SUPERVISOR_STOPPED', message: /stop\(\)/ });
  } finally {
    await supervisor.stop();
  }
  assert.equal(supervisor.state, 'stopped');
  assert.deepEqual(workerEvents(events, 'ready'), []);
  assert.deepEqual(workerEvents(events, 'draining'), [], 'a worker never ready was reported draining');
  assert.deepEqual(
    workerEvents(events, 'stopped')
      .map((e) => e.pid)
      .sort(),
    [...listening].sort(),
  );
});

test('every fork reports `starting` with its pid before `ready`: start, crash restart, reload, scale', async () => {
  const { supervisor, events } = supervise({ instances: 2 });
  try {
    await supervisor.start();
    const crashed = supervisor.workers.find((w) => w.instance === 0)!.pid;
    process.kill(crashed, 'SIGKILL');
    await poll(
      () => workerEvents(events, 'ready').some((e) => e.instance === 0 && e.pid !== crashed),
      'the crashed worker to be restarted',
    );
    await supervisor.reload();
    await supervisor.scale(3);
  } finally {
    await supervisor.stop();
  }
  const ready = workerEvents(events, 'ready');
  // 2 at start, 1 restart, 2 reloaded, 1 added.
  assert.equal(ready.length, 6);
  for (const { instance, pid } of ready) {
    const starting = events.findIndex((e) => e.type === 'worker' && e.state === 'starting' && e.pid === pid);
    const readyAt = events.findIndex((e) => e.type === 'worker' && e.state === 'ready' && e.pid === pid);
    assert.ok(starting !== -1, `no starting event for worker ${instance} (pid ${pid})`);
    assert.ok(starting < readyAt, `worker ${instance} (pid ${pid}) was ready before starting`);
    assert.equal((events[starting] as { instance: number }).instance, instance);
  }
  assert.equal(workerEvents(events, 'starting').length, 6);
});

test('hive run prints no `starting` line in text output (the JSON output carries it)', async () => {
  const child = spawn(process.execPath, [hiveBin, 'run', script, '-i', '1', '--balance', 'os'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.resume();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await poll(() => / ready$/m.test(out), 'the worker to be ready');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  assert.match(out, /worker 0 \(pid \d+\) ready/);
  assert.doesNotMatch(out, /starting/);
});

test('reload() resolves to each slot with its old and new pid; scale() to the slots added and removed', async () => {
  const { supervisor } = supervise({ instances: 2 });
  try {
    await supervisor.start();
    const pid = (instance: number) => supervisor.workers.find((w) => w.instance === instance)?.pid;
    const before = [pid(0), pid(1)];
    const reloaded = await supervisor.reload();
    assert.deepEqual(reloaded, {
      slots: [
        { instance: 0, oldPid: before[0], newPid: pid(0) },
        { instance: 1, oldPid: before[1], newPid: pid(1) },
      ],
    });
    assert.notEqual(pid(0), before[0]);
    const up = await supervisor.scale(3);
    assert.deepEqual(up, { from: 2, to: 3, added: [{ instance: 2, pid: pid(2) }], removed: [] });
    const [one, two] = [pid(1), pid(2)];
    const down = await supervisor.scale(1);
    assert.deepEqual(down, {
      from: 3,
      to: 1,
      added: [],
      removed: [
        { instance: 1, pid: one },
        { instance: 2, pid: two },
      ],
    });
    assert.deepEqual(await supervisor.scale(1), { from: 1, to: 1, added: [], removed: [] });
  } finally {
    await supervisor.stop();
  }
});
