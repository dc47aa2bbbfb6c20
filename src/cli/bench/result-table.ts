import { renderTable } from '../app-output.js';
import type { AppBenchReport, ConfigurationResult } from './app-bench.js';
import type { LoadFigures } from './load-run.js';
import type { LatencyFigure } from './request-tracker.js';

const HEADER = [
  'configuration',
  'light req/s',
  'light p50 ms',
  'light p99 ms',
  'heavy req/s',
  'heavy p50 ms',
  'heavy p99 ms',
  'errors',
  'unanswered',
];

/** A figure for people: whole numbers with separators from 100 up, three significant digits below. */
export function formatFigure(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(3)).toString();
}

/**
 * A latency figure of `figures`: whole milliseconds, so a 0 is a latency under 1 ms, unless nothing was measured (no
 * response, and none waiting at the end: every request timed out or failed), when the 0 is no figure. A figure the
 * requests unanswered at the end may have held down is a lower bound: `≥`.
 */
export function formatLatency(
  figures: Pick<LoadFigures, LatencyFigure | 'requests' | 'unanswered' | 'lowerBounds'>,
  name: LatencyFigure,
): string {
  const ms = figures[name];
  if (figures.lowerBounds.includes(name)) return `≥${formatFigure(ms)}`;
  if (figures.requests + figures.unanswered === 0) return '-';
  return ms === 0 ? '<1' : formatFigure(ms);
}

/**
 * The line said of a configuration whose figures are lower bounds: requests still waiting when its load ended (a
 * connection stuck behind a long fib on the event loop) that held a percentile down.
 */
function unansweredLine(c: ConfigurationResult): string | undefined {
  if (c.light.lowerBounds.length + c.heavy.lowerBounds.length === 0) return undefined;
  return (
    `unanswered ${c.name}: ${c.light.unanswered} light and ${c.heavy.unanswered} heavy request(s) were still waiting ` +
    `when the load ended (the longest for ${formatFigure(Math.max(c.light.unansweredWait, c.heavy.unansweredWait))} ms): ` +
    'the latencies count them at that wait, so those marked ≥ are lower bounds'
  );
}

/** The lines said under the table of each configuration with requests unanswered at the end. */
export function unansweredLines(report: AppBenchReport): string[] {
  return report.configurations.map(unansweredLine).filter((line): line is string => line !== undefined);
}

function rows(report: AppBenchReport): string[][] {
  return report.configurations.map((c) => [
    c.label,
    formatFigure(c.light.okRps),
    formatLatency(c.light, 'p50'),
    formatLatency(c.light, 'p99'),
    formatFigure(c.heavy.okRps),
    formatLatency(c.heavy, 'p50'),
    formatLatency(c.heavy, 'p99'),
    String(c.errors),
    String(c.light.unanswered + c.heavy.unanswered),
  ]);
}

/** One line on what was run, where and how busy the machine was. */
export function describeRun(report: AppBenchReport): string {
  return (
    `${report.duration} s per configuration, ${report.connections.light} connections on GET / and ` +
    `${report.connections.heavy} on the heavy route (fib(${report.heavyN})); node ${report.node}, ${report.cpus} cpus, ` +
    `load average ${report.loadavg.before} before / ${report.loadavg.after} after`
  );
}

/**
 * The lines said of a cluster configuration that ran as one process (`-i max` on a machine, or under a CPU affinity or
 * quota, of one core): its figures are those of a single process, though its row says cluster.
 */
export function singleProcessClusters(report: AppBenchReport): string[] {
  return report.configurations
    .filter((c) => c.instances === 'max' && c.processes === 1)
    .map(
      (c) =>
        `one process ${c.name}: hive run -i max started 1 process (1 core available to the bench): this "cluster" row measures a single process`,
    );
}

/** The `hive bench` table as aligned text, with the lines on skipped and failed configurations under it. */
export function formatReportText(report: AppBenchReport): string {
  const lines = [describeRun(report), '', renderTable(HEADER, rows(report))];
  for (const s of report.skipped) lines.push(`skipped ${s.name}: ${s.reason}`);
  for (const f of report.failed) lines.push(`failed ${f.name}: ${f.code}: ${f.message}`);
  lines.push(...singleProcessClusters(report), ...unansweredLines(report));
  for (const c of report.configurations) {
    if (c.crashes === 0) continue;
    lines.push(
      `crashed ${c.name}: the app's processes crashed ${c.crashes} time${c.crashes === 1 ? '' : 's'} during the run ` +
        '(restarted by hive run): its figures count the requests lost to it',
    );
  }
  if (report.interrupted) lines.push('interrupted: the configurations not listed were not run or not finished');
  return lines.join('\n');
}

/** The same table as Markdown (for --report and docs/benchmarks.md). */
export function formatReportMarkdown(report: AppBenchReport): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(HEADER), `| --- |${' ---: |'.repeat(HEADER.length - 1)}`, ...rows(report).map(line)].join('\n');
}
