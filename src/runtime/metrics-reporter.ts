import type { Server as HttpServer } from 'node:http';
import { basename, relative } from 'node:path';
import { type EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import type { Pool } from '../pool/index.js';
import { HttpCounter } from './http-counter.js';
import { sendToPrimary } from './ipc.js';
import { closedPoolsRegistry, sharedPools } from './pool-registry.js';
import type { MetricsReport, PoolReport } from './protocol.js';
import type { RequestSampler } from './request-sampler.js';
import type { RuntimeState } from './state.js';

const NS_PER_MS = 1e6;
// 10 ms is node's default resolution: enough for the p99 of a loop that matters, and only one more timer.
const RESOLUTION_MS = 10;

// The histogram records the time between two ticks of its own timer, the resolution included: an idle loop would
// show 10 ms. Report only the delay beyond it (as fastify's under-pressure does).
function loopDelay(ns: number): number {
  return Math.max(0, ns / NS_PER_MS - RESOLUTION_MS);
}

/**
 * Sends the primary a {@link MetricsReport} every `intervalMs`: process CPU and memory, event-loop utilization and
 * delay, HTTP request counts, open and upgraded connections (unless `countHttp` is false), shared pools' stats.
 * Everything is read once per report from counters node keeps anyway (cpuUsage, eventLoopUtilization, a native delay
 * histogram), so the cost does not grow with traffic except for the HTTP counter's one bump per request. The timer
 * is unref'd: reporting never keeps a process alive. With a `sampler`, each report also carries the interval's sampled
 * requests.
 */
export function startMetricsReporter(
  state: RuntimeState,
  intervalMs: number,
  sampler?: RequestSampler,
  { countHttp = true }: { countHttp?: boolean } = {},
): void {
  // Off (`--no-http-metrics`): no counter at all, so nothing subscribes to node's HTTP channels and a request costs
  // what it costs without Hive. The sampler is separate (request-context.ts), and idle until a dashboard asks.
  const http = countHttp ? new HttpCounter() : undefined;
  if (http !== undefined) {
    state.tracker.onHttpServer((server: HttpServer) => http.watch(server));
    state.tracker.onHttp2Server((server) => http.watchHttp2(server));
  }
  if (sampler !== undefined) state.tracker.onRequestServer((server) => sampler.watch(server));
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let lastAt = performance.now();
  let lastCpu = process.cpuUsage();
  // What the process used before the reporter started (node's start, the runtime's loading): in the first report's
  // cpuMs, so that process_cpu_seconds_total counts each process's whole CPU time; not in its cpuPercent, which is the
  // interval's.
  let unreportedCpuMs = (lastCpu.user + lastCpu.system) / 1000;
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();

  // process.memoryUsage() opens /proc/self/stat for the RSS: with no file descriptor left (EMFILE: the app's own leak,
  // a low `ulimit -n`) it throws, and thrown from this timer it crashed an app that was otherwise serving. The heap
  // figures need no file; the RSS is then the last one read, and the report still goes (its silence would mark the
  // process unresponsive).
  let lastRss = 0;
  const memory = (): { rss: number; heapUsed: number; heapTotal: number } => {
    try {
      const usage = process.memoryUsage();
      lastRss = usage.rss;
      return usage;
    } catch {
      const heap = getHeapStatistics();
      return { rss: lastRss, heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size };
    }
  };

  const collect = (): MetricsReport => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const intervalMs = now - lastAt;
    const intervalCpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    const { rss, heapUsed, heapTotal } = memory();
    const report: MetricsReport = {
      intervalMs,
      cpuMs: intervalCpuMs + unreportedCpuMs,
      cpuPercent: intervalMs > 0 ? (intervalCpuMs / intervalMs) * 100 : 0,
      rss,
      heapUsed,
      heapTotal,
      elu: performance.eventLoopUtilization(elu, lastElu).utilization,
      loopDelayP50: loopDelay(delay.count > 0 ? delay.percentile(50) : 0),
      loopDelayP99: loopDelay(delay.count > 0 ? delay.percentile(99) : 0),
      loopDelayMax: loopDelay(delay.count > 0 ? delay.max : 0),
      pools: poolReports(),
    };
    if (http !== undefined) {
      report.http = {
        ...http.take(),
        openConnections: state.tracker.openConnections,
        upgradedConnections: state.tracker.upgradedConnections,
      };
    }
    const samples = sampler?.take();
    if (samples !== undefined && samples.length > 0) report.samples = samples;
    delay.reset();
    lastAt = now;
    lastCpu = cpu;
    unreportedCpuMs = 0;
    lastElu = elu;
    return report;
  };
  setInterval(() => sendToPrimary({ hive: 1, type: 'metrics', ...collect() }), intervalMs).unref();
  // A retiring process sends what it counted since its last report (after the drain, before the pools close), so
  // that the primary's counters lose no request to a reload.
  state.closers.unshift(
    () => new Promise<void>((resolve) => sendToPrimary({ hive: 1, type: 'metrics', ...collect() }, resolve)),
  );
}

// Per pool, its run time total and when it was read: utilization is over the report interval, not the pool's life
// (a pool busy for the last minute of an idle hour would show 2%).
const lastBusy = new WeakMap<object, { at: number; busyMs: number }>();
// Per pool object, its PoolReport id: the path cannot tell a pool from the one made again for its file.
const poolIds = new WeakMap<object, number>();
let lastPoolId = 0;

function poolId(pool: object): number {
  let id = poolIds.get(pool);
  if (id === undefined) {
    id = ++lastPoolId;
    poolIds.set(pool, id);
  }
  return id;
}

// A pool is its task file's, query and fragment left out: a pool the app closed and made again under another URL of
// the file (`task.js?v=2`) goes on counting in the closed one's series. Two live pools of one file (`task.js` and `task.js?v=2`, each a module of its own) would share
// one series, their gauges overwriting each other: those keep their query and fragment.
function poolPaths(): { path: string; pool: Pool }[] {
  const closed = closedPoolsRegistry();
  const pools = [...sharedPools()].map(([url, pool]) => {
    if (!url.startsWith('file:')) return { file: url, exact: url, pool };
    const { search, hash } = new URL(url);
    const file = fileURLToPath(url);
    return { file, exact: `${file}${search}${hash}`, pool };
  });
  const live = new Map<string, number>();
  for (const { file, pool } of pools) if (!closed.has(pool)) live.set(file, (live.get(file) ?? 0) + 1);
  return pools.map(({ file, exact, pool }) => ({ path: (live.get(file) ?? 0) > 1 ? exact : file, pool }));
}

function poolReports(): PoolReport[] {
  const pools = poolPaths();
  // A pool is labelled by its task file's name; two files of one name (a/task.js, b/task.js) by their paths from the
  // app's folder instead, or their numbers would be merged under one label.
  const seen = new Map<string, number>();
  for (const { path } of pools) seen.set(basename(path), (seen.get(basename(path)) ?? 0) + 1);
  const reports: PoolReport[] = [];
  for (const { path, pool } of pools) {
    const stats = pool.stats;
    const { maxThreads } = pool.options;
    const now = performance.now();
    const busyMs = stats.runTime.sum;
    const last = lastBusy.get(pool);
    lastBusy.set(pool, { at: now, busyMs });
    // The first report has no interval of its own: the pool's life so far is one.
    const utilization =
      last === undefined
        ? stats.utilization
        : Math.min(1, (busyMs - last.busyMs) / ((now - last.at) * maxThreads) || 0);
    const histogram = ({ count, sum, buckets }: (typeof stats)['runTime']) => ({ count, sum, buckets });
    reports.push({
      name: (seen.get(basename(path)) ?? 0) > 1 ? relative(process.cwd(), path) || path : basename(path),
      path,
      id: poolId(pool),
      threads: stats.threads,
      busy: stats.busy,
      queued: stats.queued,
      completed: stats.completed,
      failed: stats.failed,
      maxThreads,
      utilization,
      waitP99: stats.waitTime.p99,
      runP99: stats.runTime.p99,
      wait: histogram(stats.waitTime),
      run: histogram(stats.runTime),
    });
  }
  return reports;
}
