// The --report chart labels its bars as the table prints the same figures: a light p99 of 0 (autocannon's whole
// milliseconds) is `<1` in the table and was `0` on the chart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppBenchReport, ConfigurationResult } from '../../dist/cli/bench/app-bench.js';
import { renderChart } from '../../dist/cli/bench/bench-chart.js';
import type { LoadFigures } from '../../dist/cli/bench/load-run.js';
import { formatReportMarkdown } from '../../dist/cli/bench/result-table.js';

function figures(requests: number, p99: number): LoadFigures {
  return {
    requests,
    sent: requests,
    duration: 1,
    rps: requests,
    okRps: requests,
    p50: 0,
    p90: p99,
    p99,
    max: p99,
    unanswered: 0,
    unansweredWait: 0,
    lowerBounds: [],
    throughput: 0,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    statusCodes: requests > 0 ? { 200: requests } : {},
  };
}

function configuration(name: string, label: string, light: LoadFigures): ConfigurationResult {
  const heavy = figures(10, 30);
  return {
    name,
    label,
    instances: '1',
    processes: 1,
    heavyRoute: '/compute?n=30',
    nginx: false,
    light,
    heavy,
    errors: 0,
    crashes: 0,
  };
}

test('the chart labels a light p99 as the table does: <1 under a millisecond, - with no response', () => {
  const report: AppBenchReport = {
    bench: 'hive-bench',
    node: process.version,
    cpus: 2,
    startedAt: new Date(0).toISOString(),
    loadavg: { before: 0, after: 0 },
    duration: 1,
    connections: { light: 1, heavy: 1 },
    heavyN: 30,
    configurations: [
      configuration('single-pool', 'fast', figures(5000, 0)),
      configuration('cluster-pool', 'slow', figures(200, 12)),
      configuration('single-inline', 'none', figures(0, 0)),
    ],
    skipped: [],
    failed: [],
    interrupted: false,
  };
  const table = formatReportMarkdown(report)
    .split('\n')
    .slice(2)
    .map((row) => row.split(' | ')[3]);
  assert.deepEqual(table, ['<1', '12', '-']);
  const svg = renderChart(report);
  const p99Labels = [...svg.matchAll(/class="value">([^<]*)<\/text>/g)].map((m) => m[1]).slice(3);
  assert.deepEqual(p99Labels, ['&lt;1', '12', '-']);
});
