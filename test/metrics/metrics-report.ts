import type { MetricsReport } from '../../src/runtime/protocol.js';

/**
 * A process's {@link MetricsReport} for the aggregator tests that feed one by hand: every figure 0, no pool, no HTTP
 * request, over a 1 s interval; `fields` replace those given.
 */
export function metricsReport(fields: Partial<MetricsReport> = {}): MetricsReport {
  return {
    intervalMs: 1000,
    cpuMs: 0,
    cpuPercent: 0,
    rss: 0,
    heapUsed: 0,
    heapTotal: 0,
    elu: 0,
    loopDelayP50: 0,
    loopDelayP99: 0,
    loopDelayMax: 0,
    http: { inFlight: 0, classes: [0, 0, 0, 0, 0], aborted: 0, latencyP50: 0, latencyP99: 0 },
    pools: [],
    ...fields,
  };
}
