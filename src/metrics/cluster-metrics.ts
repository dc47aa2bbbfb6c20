import { MetricsAggregator, type MetricsSource } from './aggregator.js';
import { type AppMetricsSource, collectAppMetrics } from './app-metrics.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { createMetricsRegistry } from './prometheus.js';

// A scrape waits this long at most for the workers' own prom-client metrics (a busy loop answers late).
const APP_METRICS_TIMEOUT = 1_000;

/** Where {@link startClusterMetrics} listens. */
export interface ClusterMetricsOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/**
 * Aggregates a supervisor's worker reports and serves them with its health: `/metrics` (with the app's own prom-client
 * metrics merged across workers when the source can ask for them), `/healthz`, and `/readyz` (ready while at least one
 * worker is ready and the app is not stopping). Start it before the supervisor, so a taken port fails the run before
 * any worker is forked, and so `/readyz` says 503 during the start.
 */
export async function startClusterMetrics(
  source: MetricsSource,
  options: ClusterMetricsOptions,
): Promise<MetricsServer> {
  const aggregator = new MetricsAggregator(source);
  let server: MetricsServer;
  try {
    const registry = createMetricsRegistry(aggregator);
    const own = new Set(registry.getMetricsAsArray().map((m) => m.name));
    server = await startMetricsServer({
      port: options.port,
      host: options.host,
      contentType: registry.contentType,
      metrics: async () => {
        const hive = await registry.metrics();
        if (!source.requestAppMetrics) return hive;
        const app = await collectAppMetrics(source as AppMetricsSource, own, APP_METRICS_TIMEOUT);
        return app === '' ? hive : `${hive}\n${app}`;
      },
      ready: () => aggregator.running && aggregator.readyWorkers > 0,
    });
  } catch (error) {
    aggregator.close();
    throw error;
  }
  return {
    host: server.host,
    port: server.port,
    async close() {
      aggregator.close();
      await server.close();
    },
  };
}
