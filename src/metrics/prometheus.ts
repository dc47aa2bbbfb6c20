import { performance } from 'node:perf_hooks';
import { Counter, Gauge, type Metric, Registry } from 'prom-client';
import { DURATION_BUCKETS_MS } from '../pool/pool-stats.js';
import { HTTP_DURATION_BUCKETS_MS, type MetricsReport, type PoolReport } from '../runtime/protocol.js';
import type { InstanceMetrics, MetricsAggregator, PoolTotals } from './aggregator.js';
import type { HistogramTotals } from './histogram-totals.js';

type Labels = Record<string, string | number>;
type Sample = [labels: Labels, value: number];
type HistogramSample = [labels: Labels, histogram: HistogramTotals];

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  labels?: string[];
  /** A per-app family whose samples carry the label `slot` (the per-slot ones always do). */
  slotLabel?: true;
  /** Samples per process slot (labels app and slot are added). */
  perInstance?: (m: InstanceMetrics) => Sample[] | number;
  /** Samples for the whole app (label app is added). */
  perApp?: (aggregator: MetricsAggregator) => Sample[];
}

/** A histogram per process slot (labels app and slot are added), its durations in ms, exposed in seconds. */
interface HistogramFamily {
  name: string;
  help: string;
  labels: string[];
  /** Upper bounds of the buckets, ms. */
  boundsMs: readonly number[];
  perInstance: (m: InstanceMetrics) => HistogramSample[];
}

// A slot whose processes count no HTTP requests (`--no-http-metrics`) has no HTTP series at all: zeros would say "no
// traffic" where nothing was counted, and an alert on rate() would see a healthy idle app.
const httpFamily = (family: Family): Family => ({
  ...family,
  perInstance: (m) => (m.httpCounted ? family.perInstance!(m) : []),
});

const CODE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
// The Supervisor's AppState values: an enum is one 0/1 sample per value, so `== 1` selects the current one and an
// alert on a state stays one series whatever the state was before.
export const APP_STATES = ['starting', 'online', 'reloading', 'errored', 'stopping', 'stopped'] as const;
const seconds = (ms: number) => ms / 1000;
// Gauges read the slot's newest live process's last report; a slot without one has none (its counters stay).
const fromLatest =
  (read: (report: MetricsReport) => number) =>
  (m: InstanceMetrics): Sample[] | number =>
    m.latest ? read(m.latest) : [];
// Gauges summed over the slot's live processes (a retiring one's included during a reload): none for a slot without.
const liveGauge = (name: string, help: string, read: (m: InstanceMetrics) => number): Family => ({
  name,
  help,
  type: 'gauge',
  perInstance: (m) => (m.latest ? read(m) : []),
});
const latestGauge = (name: string, help: string, read: (report: MetricsReport) => number): Family => ({
  name,
  help,
  type: 'gauge',
  perInstance: fromLatest(read),
});
// One sample per shared pool of the slot's last report, so every pool family carries the label `pool`.
const poolFamily = (name: string, help: string, type: Family['type'], read: (pool: PoolReport) => number): Family => ({
  name,
  help,
  type,
  labels: ['pool'],
  perInstance: (m) => (m.latest ? m.latest.pools.map((pool) => [{ pool: pool.name }, read(pool)]) : []),
});

// Counts of a pool over every process of the slot: they survive restarts and reloads, as the HTTP counters do.
const poolTotalsFamily = (name: string, help: string, read: (pool: PoolTotals) => number): Family => ({
  name,
  help,
  type: 'counter',
  labels: ['pool'],
  perInstance: (m) => [...m.pools].map(([pool, totals]) => [{ pool }, read(totals)]),
});

const histogramFamilies: HistogramFamily[] = [
  {
    // Not by path: a label per URL would make a series per id in it. method is one of ten values (`other` for the
    // rest).
    name: 'http_request_duration_seconds',
    help: 'HTTP response times (arrival to the response end), by method and status class.',
    labels: ['method', 'code_class'],
    boundsMs: HTTP_DURATION_BUCKETS_MS,
    // Empty for a slot that counts no requests (`--no-http-metrics`): it never reports a duration.
    perInstance: (m) =>
      [...m.httpDurations.values()].map((d) => [{ method: d.method, code_class: d.codeClass }, d.histogram]),
  },
  {
    name: 'hive_pool_task_wait_seconds',
    help: 'Time tasks of a shared pool waited between run() and their start.',
    labels: ['pool'],
    boundsMs: DURATION_BUCKETS_MS,
    perInstance: (m) => [...m.pools].map(([pool, totals]) => [{ pool }, totals.wait]),
  },
  {
    name: 'hive_pool_task_run_seconds',
    help: 'Time tasks of a shared pool ran in a thread.',
    labels: ['pool'],
    boundsMs: DURATION_BUCKETS_MS,
    perInstance: (m) => [...m.pools].map(([pool, totals]) => [{ pool }, totals.run]),
  },
];

/** Every metric family Hive exposes; docs/observability.md lists the same. */
const families: Family[] = [
  // No percent gauge (it was process_cpu_percent): Prometheus wants base units, and rate() of this counter is the
  // share of one core over any window the query picks. The dashboard reads its percent from the reports, not here.
  {
    name: 'process_cpu_seconds_total',
    help: 'CPU time (user + system) used, in seconds.',
    type: 'counter',
    perInstance: (m) => m.cpuSeconds,
  },
  latestGauge('process_resident_memory_bytes', 'Resident set size, in bytes.', (r) => r.rss),
  latestGauge('nodejs_heap_size_used_bytes', 'V8 heap used, in bytes.', (r) => r.heapUsed),
  latestGauge('nodejs_heap_size_total_bytes', 'V8 heap allocated, in bytes.', (r) => r.heapTotal),
  latestGauge(
    'nodejs_eventloop_utilization',
    'Event-loop utilization in the last report interval, 0..1.',
    (r) => r.elu,
  ),
  latestGauge('nodejs_eventloop_delay_p50_seconds', 'Median event-loop delay in the last report interval.', (r) =>
    seconds(r.loopDelayP50),
  ),
  latestGauge(
    'nodejs_eventloop_delay_p99_seconds',
    '99th percentile event-loop delay in the last report interval.',
    (r) => seconds(r.loopDelayP99),
  ),
  latestGauge('nodejs_eventloop_delay_max_seconds', 'Largest event-loop delay in the last report interval.', (r) =>
    seconds(r.loopDelayMax),
  ),
  httpFamily({
    name: 'http_requests_total',
    help: 'HTTP responses finished, by status class.',
    type: 'counter',
    labels: ['code_class'],
    perInstance: (m) => CODE_CLASSES.map((codeClass, i) => [{ code_class: codeClass }, m.classes[i as 0]]),
  }),
  httpFamily({
    name: 'http_requests_aborted_total',
    help: 'HTTP requests whose connection closed before the response was complete.',
    type: 'counter',
    perInstance: (m) => m.aborted,
  }),
  httpFamily(liveGauge('http_requests_in_flight', 'HTTP requests being served now.', (m) => m.inFlight)),
  // During a reload the retiring process's connections count too: its WebSockets stay open until the app closes them.
  httpFamily(
    liveGauge(
      'http_open_connections',
      'HTTP connections open now (HTTP/2 sessions included, upgraded ones not).',
      (m) => m.openConnections,
    ),
  ),
  httpFamily(
    liveGauge(
      'http_upgraded_connections',
      "Upgraded (WebSocket) connections open now, counted from the server's 'upgrade' event until they close.",
      (m) => m.upgradedConnections,
    ),
  ),
  poolFamily('hive_pool_threads', 'Threads of a shared pool (runtime pool()).', 'gauge', (p) => p.threads),
  poolFamily('hive_pool_busy', 'Threads of a shared pool running a task now.', 'gauge', (p) => p.busy),
  poolFamily('hive_pool_queued', 'Tasks waiting to start in a shared pool.', 'gauge', (p) => p.queued),
  poolFamily('hive_pool_max_threads', 'Threads a shared pool may run (its capacity).', 'gauge', (p) => p.maxThreads),
  poolFamily(
    'hive_pool_utilization',
    "Share of a shared pool's capacity spent running tasks in the last report interval, 0..1.",
    'gauge',
    (p) => p.utilization,
  ),
  poolTotalsFamily('hive_pool_tasks_completed_total', 'Tasks a shared pool completed.', (t) => t.completed),
  poolTotalsFamily('hive_pool_tasks_failed_total', 'Tasks of a shared pool that failed.', (t) => t.failed),
  poolTotalsFamily(
    'hive_pool_busy_seconds_total',
    "Thread time a shared pool's finished tasks ran, in seconds: rate() / hive_pool_max_threads is its utilization.",
    (t) => seconds(t.run.sum),
  ),
  {
    name: 'hive_workers_ready',
    help: 'App processes ready to serve.',
    type: 'gauge',
    perApp: (a) => [[{}, a.readyWorkers]],
  },
  {
    name: 'hive_workers_desired',
    help: 'App processes the app should have (its instances): alert when hive_workers_ready stays below it.',
    type: 'gauge',
    perApp: (a) => [[{}, a.desiredWorkers]],
  },
  {
    // From the primary's own watch, not from the reports: a blocked worker sends none, so its gauges above go stale.
    name: 'hive_worker_unresponsive',
    help: "1 while the slot's ready worker has sent no report for 3 report intervals (its event loop looks blocked), else 0.",
    type: 'gauge',
    slotLabel: true,
    perApp: (a) => [...a.unresponsiveSlots()].map(([slot, hung]) => [{ slot }, hung ? 1 : 0]),
  },
  {
    name: 'hive_app_state',
    help: "The app's state: 1 for the current one, 0 for the others.",
    type: 'gauge',
    labels: ['state'],
    perApp: (a) => APP_STATES.map((state) => [{ state }, a.state === state ? 1 : 0]),
  },
  {
    name: 'hive_up',
    help: '1 while the app runs, 0 once it is stopping.',
    type: 'gauge',
    perApp: (a) => [[{}, a.running ? 1 : 0]],
  },
  {
    // The primary's: its restart (a new `hive run`, `hive restart` under the daemon) starts every counter here but
    // hive_restarts_total from 0 again, which rate() takes for a reset; this says when it happened, as prom-client's
    // default collector does.
    name: 'process_start_time_seconds',
    help: "Start time of the app's primary process since the Unix epoch, in seconds.",
    type: 'gauge',
    perApp: () => [[{}, Math.round(performance.timeOrigin) / 1000]],
  },
  {
    name: 'hive_restarts_total',
    help: 'Restarts after a crash or over the memory limit, per process slot.',
    type: 'counter',
    slotLabel: true,
    perApp: (a) => [...a.restarts()].map(([slot, count]) => [{ slot }, count]),
  },
];

/**
 * The HELP text and TYPE of one of Hive's gauge or counter families: exposition built from what the daemon knows (a
 * fork-mode app's) names and explains its families exactly as a primary's registry does, or the merge would differ.
 */
export function familyHeader(name: string): { help: string; type: 'gauge' | 'counter' } {
  const family = families.find((f) => f.name === name);
  if (family === undefined) throw new Error(`no Hive metric family ${name}`);
  return { help: family.help, type: family.type };
}

/**
 * A prom-client Registry of its own (never the global one, which belongs to the app) whose metrics are read from the
 * aggregator at scrape time. Labels: `app`, and `slot` (the process slot, HIVE_INSTANCE) for per-process metrics.
 * Not `instance`: Prometheus sets that target label to the scraped host:port, and would rename Hive's to
 * `exported_instance`, or (honor_labels) let two hosts' `{app="web",instance="0"}` series collide.
 */
export function createMetricsRegistry(aggregator: MetricsAggregator): Registry {
  const registry = new Registry();
  const app = aggregator.app;
  for (const family of families) {
    const labelNames = ['app', ...(family.perInstance || family.slotLabel ? ['slot'] : []), ...(family.labels ?? [])];
    const samples = (): Sample[] => {
      if (family.perApp) return family.perApp(aggregator).map(([labels, value]) => [{ app, ...labels }, value]);
      const out: Sample[] = [];
      for (const m of aggregator.instances()) {
        const values = family.perInstance!(m);
        if (typeof values === 'number') out.push([{ app, slot: m.instance }, values]);
        else for (const [labels, value] of values) out.push([{ app, slot: m.instance, ...labels }, value]);
      }
      return out;
    };
    const options = { name: family.name, help: family.help, labelNames, registers: [registry] };
    // Both are refilled from the aggregator at every scrape; a counter through inc() after reset(), as it has no set().
    if (family.type === 'gauge') {
      new Gauge({
        ...options,
        collect() {
          this.reset();
          for (const [labels, value] of samples()) this.set(labels, value);
        },
      });
    } else {
      new Counter({
        ...options,
        collect() {
          this.reset();
          for (const [labels, value] of samples()) this.inc(labels, value);
        },
      });
    }
  }
  for (const family of histogramFamilies) registerHistogram(registry, app, aggregator, family);
  return registry;
}

// prom-client's Histogram only observes single values; these arrive as bucket counts already, so the family is a
// metric object of Hive's, which the Registry formats like its own (values carrying `_bucket`, `_sum`, `_count`).
function registerHistogram(
  registry: Registry,
  app: string,
  aggregator: MetricsAggregator,
  family: HistogramFamily,
): void {
  const { name, help, boundsMs } = family;
  const bucket = `${name}_bucket`;
  const get = () => ({
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    values: aggregator.instances().flatMap((m) =>
      family.perInstance(m).flatMap(([own, h]) => {
        const labels = { app, slot: m.instance, ...own };
        return [
          ...boundsMs.map((bound, i) => ({
            metricName: bucket,
            labels: { ...labels, le: bound / 1000 },
            value: h.buckets[i],
          })),
          { metricName: bucket, labels: { ...labels, le: '+Inf' }, value: h.count },
          { metricName: `${name}_sum`, labels, value: h.sum / 1000 },
          { metricName: `${name}_count`, labels, value: h.count },
        ];
      }),
    ),
  });
  registry.registerMetric({ name, help, type: 'histogram', aggregator: 'sum', get } as unknown as Metric);
}
