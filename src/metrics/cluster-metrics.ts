import { MetricsAggregator, type MetricsSource } from './aggregator.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { createMetricsRegistry } from './prometheus.js';

/** Where {@link startClusterMetrics} listens. */
export interface ClusterMetricsOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/**
 * Aggregates a supervisor's worker reports and serves them with its health: `/metrics`, `/healthz`, and `/readyz`
 * (ready while at least one worker is ready and the app is not stopping). Start it before the supervisor, so a taken
 * port fails the run before any worker is forked, and so `/readyz` says 503 during the start.
 */
export async function startClusterMetrics(
  source: MetricsSource,
  options: ClusterMetricsOptions,
): Promise<MetricsServer> {
  const aggregator = new MetricsAggregator(source);
  let server: MetricsServer;
  try {
    server = await startMetricsServer({
      port: options.port,
      host: options.host,
      registry: createMetricsRegistry(aggregator),
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
