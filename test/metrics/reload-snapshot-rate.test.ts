// The live views (dashboard, `hive monit`) during a fast rolling reload: each old process drains and exits before its
// replacement's first report (a reload of a small app ends in a few hundred ms, a report interval is 1 s). The slot's
// row then shows the replacement, which has not measured anything yet: it read req/s 0, and with every slot replaced,
// the app's req/s read 0 while every request was served. The row keeps the old process's last rates until then.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { AppSnapshotCollector } from '../../dist/metrics/snapshot.js';
import type { MetricsReport } from '../../src/runtime/protocol.js';
import { metricsReport } from './metrics-report.js';

type Worker = { instance: number; pid: number; state: string; startedAt: number };

// A supervisor as the collector sees it: its live workers, its slots, and the events and reports it emits.
function fakeSupervisor(size: number) {
  const workers: Worker[] = [];
  const source = Object.assign(new EventEmitter(), {
    options: { name: 'web' },
    state: 'online',
    size,
    workers,
    slots: Array.from({ length: size }, (_, instance) => ({ instance, state: 'live' })),
  });
  return {
    source,
    fork: (instance: number, pid: number) => workers.push({ instance, pid, state: 'ready', startedAt: Date.now() }),
    // As the Supervisor: the process leaves `workers`, then its exit is emitted.
    exit: (instance: number, pid: number) => {
      workers.splice(
        workers.findIndex((w) => w.pid === pid),
        1,
      );
      source.emit('event', { type: 'exit', instance, pid, code: 0, signal: null, expected: true });
    },
    report: (instance: number, pid: number, report: MetricsReport) => source.emit('metrics', { instance, pid, report }),
  };
}

// `ok` responses over `ms`.
const served = (ok: number, ms = 1000): MetricsReport =>
  metricsReport({
    intervalMs: ms,
    http: { inFlight: 0, classes: [0, ok, 0, 0, 0], aborted: 0, latencyP50: 2, latencyP99: 5 },
  });

test("a replacement whose predecessor exited before its first report shows the predecessor's rates, then its own", () => {
  const hive = fakeSupervisor(2);
  const collector = new AppSnapshotCollector(hive.source);
  try {
    hive.fork(0, 100);
    hive.fork(1, 101);
    hive.report(0, 100, served(10));
    hive.report(1, 101, served(10));
    assert.equal(collector.snapshot().reqRate, 20);

    // The reload, slot by slot: the replacement is forked and ready, the old process drains (its last report covers
    // what it served since the one before) and exits; the replacement has not reported yet.
    hive.fork(0, 200);
    hive.report(0, 100, served(3, 300));
    hive.exit(0, 100);
    const one = collector.snapshot();
    assert.deepEqual(
      one.instances.map((i) => [i.pid, i.reqRate]),
      [
        [200, 10],
        [101, 10],
      ],
      "slot 0's row: its replacement, with the old process's last rate (13 over 1.3 s)",
    );
    hive.fork(1, 201);
    hive.report(1, 101, served(3, 300));
    hive.exit(1, 101);
    const both = collector.snapshot();
    assert.deepEqual(
      both.instances.map((i) => [i.pid, i.reqRate, i.errorRate, i.latencyP50, i.latencyP99, i.rss]),
      [
        [200, 10, 0, 2, 5, null],
        [201, 10, 0, 2, 5, null],
      ],
      "the new processes' rows, with the rates their slots served at (their own gauges are not known yet: null)",
    );
    assert.equal(both.reqRate, 20, "the app's req/s, while every request is served");

    // Each replacement's first report: its own rate from then on.
    hive.report(0, 200, served(7));
    const own = collector.snapshot();
    assert.deepEqual(
      own.instances.map((i) => [i.pid, i.reqRate]),
      [
        [200, 7],
        [201, 10],
      ],
    );
    assert.equal(own.reqRate, 17);
    hive.report(1, 201, served(9));
    assert.equal(collector.snapshot().reqRate, 16);
  } finally {
    collector.close();
  }
});

test('a second reload before the first replacement reported carries the same rates on', () => {
  const hive = fakeSupervisor(1);
  const collector = new AppSnapshotCollector(hive.source);
  try {
    hive.fork(0, 100);
    hive.report(0, 100, served(10));
    hive.fork(0, 200);
    hive.exit(0, 100);
    hive.fork(0, 300);
    hive.exit(0, 200);
    assert.deepEqual(
      collector.snapshot().instances.map((i) => [i.pid, i.reqRate]),
      [[300, 10]],
    );
  } finally {
    collector.close();
  }
});

test('a replacement whose predecessor never reported shows no rate (null), not a 0 that was not measured', () => {
  const hive = fakeSupervisor(1);
  const collector = new AppSnapshotCollector(hive.source);
  try {
    hive.fork(0, 100);
    hive.fork(0, 200);
    hive.exit(0, 100);
    const snapshot = collector.snapshot();
    assert.deepEqual(
      snapshot.instances.map((i) => [i.pid, i.reqRate, i.errorRate]),
      [[200, null, null]],
    );
    assert.equal(snapshot.reqRate, null);
  } finally {
    collector.close();
  }
});

test("a crash's replacement, forked after its slot had no process, does not carry the dead process's rate", () => {
  const hive = fakeSupervisor(1);
  const collector = new AppSnapshotCollector(hive.source);
  try {
    hive.fork(0, 100);
    hive.report(0, 100, served(10));
    hive.exit(0, 100);
    hive.fork(0, 200);
    const [row] = collector.snapshot().instances;
    assert.equal(row?.pid, 200);
    assert.notEqual(row?.reqRate, 10, 'the slot served nothing between the exit and the restart');
  } finally {
    collector.close();
  }
});
