import { MetricsAggregator, type MetricsSource } from './aggregator.js';
import { AppMetricsCollector, type AppMetricsSource } from './app-metrics.js';
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
  const aggregator = new MetricsAggregator(source, { sinceStart: true });
  const registry = createMetricsRegistry(aggregator);
  const own = new Set(registry.getMetricsAsArray().map((m) => m.name));
  const appMetrics = source.requestAppMetrics
    ? new AppMetricsCollector(source as AppMetricsSource, own, APP_METRICS_TIMEOUT)
    : undefined;
  let server: MetricsServer;
  try {
    server = await startMetricsServer({
      port: options.port,
      host: options.host,
      contentType: registry.contentType,
      metrics: async () => {
        const hive = await registry.metrics();
        if (appMetrics === undefined) return hive;
        const app = await appMetrics.collect();
        return app === '' ? hive : `${hive}\n${app}`;
      },
      ready: () => aggregator.running && aggregator.readyWorkers > 0,
    });
  } catch (error) {
    aggregator.close();
    appMetrics?.close();
    throw error;
  }
  return {
    host: server.host,
    port: server.port,
    async close() {
      aggregator.close();
      appMetrics?.close();
      await server.close();
    },
  };
}
