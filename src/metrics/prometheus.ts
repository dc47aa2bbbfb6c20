import { Counter, Gauge, Registry } from 'prom-client';
import type { MetricsReport, PoolReport } from '../runtime/protocol.js';
import type { InstanceMetrics, MetricsAggregator } from './aggregator.js';

type Labels = Record<string, string | number>;
type Sample = [labels: Labels, value: number];

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  labels?: string[];
  /** Samples per instance (labels app and instance are added). */
  perInstance?: (m: InstanceMetrics) => Sample[] | number;
  /** Samples for the whole app (label app is added). */
  perApp?: (aggregator: MetricsAggregator) => Sample[];
}

const CODE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const seconds = (ms: number) => ms / 1000;
// Gauges read the slot's newest live process's last report; a slot without one has none (its counters stay).
const fromLatest =
  (read: (report: MetricsReport) => number) =>
  (m: InstanceMetrics): Sample[] | number =>
    m.latest ? read(m.latest) : [];
const perPool =
  (read: (pool: PoolReport) => number) =>
  (m: InstanceMetrics): Sample[] =>
    m.latest ? m.latest.pools.map((pool) => [{ pool: pool.name }, read(pool)]) : [];

/** Every metric family Hive exposes; docs/observability.md lists the same. */
const families: Family[] = [
  {
    name: 'process_cpu_percent',
    help: 'CPU used in the last report interval, % of one core.',
    type: 'gauge',
    perInstance: fromLatest((r) => r.cpuPercent),
  },
  {
    name: 'process_cpu_seconds_total',
    help: 'CPU time (user + system) used, in seconds.',
    type: 'counter',
    perInstance: (m) => m.cpuSeconds,
  },
  {
    name: 'process_resident_memory_bytes',
    help: 'Resident set size, in bytes.',
    type: 'gauge',
    perInstance: fromLatest((r) => r.rss),
  },
  {
    name: 'nodejs_heap_size_used_bytes',
    help: 'V8 heap used, in bytes.',
    type: 'gauge',
    perInstance: fromLatest((r) => r.heapUsed),
  },
  {
    name: 'nodejs_heap_size_total_bytes',
    help: 'V8 heap allocated, in bytes.',
    type: 'gauge',
    perInstance: fromLatest((r) => r.heapTotal),
  },
  {
    name: 'nodejs_eventloop_utilization',
    help: 'Event-loop utilization in the last report interval, 0..1.',
    type: 'gauge',
    perInstance: fromLatest((r) => r.elu),
  },
  {
    name: 'nodejs_eventloop_delay_p50_seconds',
    help: 'Median event-loop delay in the last report interval.',
    type: 'gauge',
    perInstance: fromLatest((r) => seconds(r.loopDelayP50)),
  },
  {
    name: 'nodejs_eventloop_delay_p99_seconds',
    help: '99th percentile event-loop delay in the last report interval.',
    type: 'gauge',
    perInstance: fromLatest((r) => seconds(r.loopDelayP99)),
  },
  {
    name: 'nodejs_eventloop_delay_max_seconds',
    help: 'Largest event-loop delay in the last report interval.',
    type: 'gauge',
    perInstance: fromLatest((r) => seconds(r.loopDelayMax)),
  },
  {
    name: 'http_requests_total',
    help: 'HTTP responses finished, by status class.',
    type: 'counter',
    labels: ['code_class'],
    perInstance: (m) => CODE_CLASSES.map((codeClass, i) => [{ code_class: codeClass }, m.classes[i as 0]]),
  },
  {
    name: 'http_requests_aborted_total',
    help: 'HTTP requests whose connection closed before the response was complete.',
    type: 'counter',
    perInstance: (m) => m.aborted,
  },
  {
    name: 'http_requests_in_flight',
    help: 'HTTP requests being served now.',
    type: 'gauge',
    perInstance: (m) => m.inFlight,
  },
  {
    name: 'hive_pool_threads',
    help: 'Threads of a shared pool (runtime pool()).',
    type: 'gauge',
    labels: ['pool'],
    perInstance: perPool((p) => p.threads),
  },
  {
    name: 'hive_pool_busy',
    help: 'Threads of a shared pool running a task now.',
    type: 'gauge',
    labels: ['pool'],
    perInstance: perPool((p) => p.busy),
  },
  {
    name: 'hive_pool_queued',
    help: 'Tasks waiting to start in a shared pool.',
    type: 'gauge',
    labels: ['pool'],
    perInstance: perPool((p) => p.queued),
  },
  {
    name: 'hive_pool_utilization',
    help: "Share of a shared pool's capacity spent running tasks since it started, 0..1.",
    type: 'gauge',
    labels: ['pool'],
    perInstance: perPool((p) => p.utilization),
  },
  {
    name: 'hive_pool_tasks_completed_total',
    help: 'Tasks a shared pool completed (restarts with the process).',
    type: 'counter',
    labels: ['pool'],
    perInstance: perPool((p) => p.completed),
  },
  {
    name: 'hive_pool_tasks_failed_total',
    help: 'Tasks of a shared pool that failed (restarts with the process).',
    type: 'counter',
    labels: ['pool'],
    perInstance: perPool((p) => p.failed),
  },
  {
    name: 'hive_pool_wait_p99_seconds',
    help: '99th percentile queue wait of a shared pool since it started.',
    type: 'gauge',
    labels: ['pool'],
    perInstance: perPool((p) => seconds(p.waitP99)),
  },
  {
    name: 'hive_pool_run_p99_seconds',
    help: '99th percentile task run time of a shared pool since it started.',
    type: 'gauge',
    labels: ['pool'],
    perInstance: perPool((p) => seconds(p.runP99)),
  },
  {
    name: 'hive_workers_ready',
    help: 'App processes ready to serve.',
    type: 'gauge',
    perApp: (a) => [[{}, a.readyWorkers]],
  },
  {
    name: 'hive_up',
    help: '1 while the app runs, 0 once it is stopping.',
    type: 'gauge',
    perApp: (a) => [[{}, a.running ? 1 : 0]],
  },
  {
    name: 'hive_restarts_total',
    help: 'Crash restarts, per instance.',
    type: 'counter',
    perApp: (a) => [...a.restarts()].map(([instance, count]) => [{ instance }, count]),
  },
];

/**
 * A prom-client Registry of its own (never the global one, which belongs to the app) whose metrics are read from the
 * aggregator at scrape time. Labels: `app`, and `instance` (the slot number) for per-process metrics.
 */
export function createMetricsRegistry(aggregator: MetricsAggregator): Registry {
  const registry = new Registry();
  const app = aggregator.app;
  for (const family of families) {
    const labelNames = [
      'app',
      ...(family.perInstance || family.name === 'hive_restarts_total' ? ['instance'] : []),
      ...(family.labels ?? []),
    ];
    const samples = (): Sample[] => {
      if (family.perApp) return family.perApp(aggregator).map(([labels, value]) => [{ app, ...labels }, value]);
      const out: Sample[] = [];
      for (const m of aggregator.instances()) {
        const values = family.perInstance!(m);
        if (typeof values === 'number') out.push([{ app, instance: m.instance }, values]);
        else for (const [labels, value] of values) out.push([{ app, instance: m.instance, ...labels }, value]);
      }
      return out;
    };
    if (family.type === 'gauge') {
      new Gauge({
        name: family.name,
        help: family.help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const [labels, value] of samples()) this.set(labels, value);
        },
      });
    } else {
      new Counter({
        name: family.name,
        help: family.help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const [labels, value] of samples()) this.inc(labels, value);
        },
      });
    }
  }
  return registry;
}
