// A process's report may be read after its exit (it was on its way): it is counted, but its process is never shown
// live again. The aggregator knew an exited pid only while it was among the slot's last 16 exits, so a report read
// after 16 more exits of its slot made the dead process the slot's live one, for good (no exit of it follows).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { Supervisor, type SupervisorEvent, type WorkerMetrics } from '../../dist/cluster/index.js';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { DURATION_BUCKETS_MS } from '../../src/pool/pool-stats.js';
import type { MetricsReport, PoolReport } from '../../src/runtime/protocol.js';
import { poll } from '../poll.js';
import { metricsReport } from './metrics-report.js';

const script = new URL('../fixtures/cluster/app.js', import.meta.url).pathname;
const EXITS = 17;

test(`a report read after ${EXITS} later exits of its slot does not show its exited process live`, async () => {
  // One in-process supervisor (node:cluster is process-global); balance 'os', as in the cluster tests.
  const supervisor = new Supervisor({ script, balance: 'os', instances: 1, memoryReportInterval: 200 });
  const aggregator = new MetricsAggregator(supervisor);
  const reports: WorkerMetrics[] = [];
  let exits = 0;
  supervisor.on('metrics', (metrics: WorkerMetrics) => reports.push(metrics));
  supervisor.on('event', (event: SupervisorEvent) => {
    if (event.type === 'exit') exits++;
  });
  try {
    await supervisor.start();
    const first = supervisor.workers[0]!.pid;
    const late = await poll(() => reports.find((r) => r.pid === first), 'a report of the first process');
    for (let i = 0; i < EXITS; i++) await supervisor.reload();
    await poll(() => exits === EXITS, `${EXITS} exits`);
    const current = supervisor.workers[0]!.pid;
    await poll(() => aggregator.instances()[0]?.pid === current, 'the current process shown (reported)');
    // The first process's report, read now: as the supervisor emits a report read from a process's channel.
    supervisor.emit('metrics', late);
    const [slot] = aggregator.instances();
    assert.equal(slot?.pid, current, `slot 0 shows pid ${slot?.pid}: the first process (${first}) exited`);
  } finally {
    aggregator.close();
    await supervisor.stop();
  }
});

// Without a real process: the report of a forgotten process carries its pools' counts since they started, which the
// slot had counted already (up to its previous report); they are not counted a second time.
test('the late report of a process forgotten since counts its requests, not its pool tasks again', () => {
  const workers: { instance: number; pid: number; state: string }[] = [];
  const source = Object.assign(new EventEmitter(), { options: { name: 'app' }, state: 'online', workers });
  const aggregator = new MetricsAggregator(source);
  const histogram = (count: number) => ({
    count,
    sum: count,
    buckets: DURATION_BUCKETS_MS.map(() => count),
  });
  const pool = (completed: number): PoolReport => ({
    name: 'task.js',
    path: '/app/task.js',
    id: 1,
    threads: 1,
    busy: 0,
    queued: 0,
    completed,
    failed: 0,
    maxThreads: 1,
    utilization: 0,
    waitP99: 0,
    runP99: 0,
    wait: histogram(completed),
    run: histogram(completed),
  });
  const report = (completed: number, ok: number): MetricsReport =>
    metricsReport({
      http: { inFlight: 0, classes: [0, ok, 0, 0, 0], aborted: 0, latencyP50: 0, latencyP99: 0 },
      pools: [pool(completed)],
    });
  // A process forked and exited, as the Supervisor says both: listed in `workers` while it lives, then its exit.
  const live = (pid: number) => workers.push({ instance: 0, pid, state: 'ready' });
  const exit = (pid: number) => {
    workers.splice(
      workers.findIndex((w) => w.pid === pid),
      1,
    );
    source.emit('event', { type: 'exit', instance: 0, pid, code: 0, signal: null });
  };
  live(100);
  aggregator.record({ instance: 0, pid: 100, report: report(5, 5) });
  exit(100);
  for (let pid = 101; pid < 101 + EXITS - 1; pid++) {
    live(pid);
    exit(pid);
  }
  live(200);
  aggregator.record({ instance: 0, pid: 200, report: report(0, 1) });
  // Pid 100's last report, read now: one more task and 2 more responses since its previous one.
  aggregator.record({ instance: 0, pid: 100, report: report(6, 2) });
  const [slot] = aggregator.instances();
  assert.equal(slot?.pid, 200);
  assert.equal(slot.classes[1], 8, 'every report adds its responses');
  assert.equal(slot.pools.get('task.js')?.completed, 5, "the forgotten process's 5 tasks, counted once");
  aggregator.close();
});
