// The programmatic Supervisor's life as a tool author sees it: start() once, and a stop() during start(). One
// in-process supervisor at a time (node:cluster is process-global), each stopped in `finally`; balance 'os'
// throughout, as node:cluster freezes its scheduling policy at the first fork of a process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Supervisor, type SupervisorEvent, type SupervisorOptions } from '../../dist/cluster/index.js';
import { poll } from '../poll.js';

const script = new URL('../fixtures/cluster/app.js', import.meta.url).pathname;

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
