import type { MetricsSource } from './aggregator.js';
import { ClusterExposition } from './cluster-exposition.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';

/** Where {@link startClusterMetrics} listens. */
export interface ClusterMetricsOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** `/healthz` says 503, with this text, while this returns one (nothing runs, nothing will by itself); default: never. */
  down?: () => string | undefined;
}

/**
 * Aggregates a supervisor's worker reports and serves them with its health: `/metrics` (with the app's own prom-client
 * metrics merged across workers when the source can ask for them), `/healthz`, and `/readyz` (ready while at least one
 * worker is ready and the app is not stopping); both say `degraded` while some ready workers are unresponsive, 503
 * once all are. Start it before the supervisor, so a taken port fails the run before
 * any worker is forked, and so `/readyz` says 503 during the start.
 */
export async function startClusterMetrics(
  source: MetricsSource,
  options: ClusterMetricsOptions,
): Promise<MetricsServer> {
  const exposition = new ClusterExposition(source);
  const { aggregator, registry } = exposition;
  let server: MetricsServer;
  try {
    server = await startMetricsServer({
      port: options.port,
      host: options.host,
      contentType: registry.contentType,
      metrics: () => exposition.text(),
      ready: () => aggregator.running && aggregator.readyWorkers > 0,
      down: options.down,
      hung: () => [{ ready: aggregator.readyWorkers, unresponsive: aggregator.unresponsiveWorkers }],
    });
  } catch (error) {
    exposition.close();
    throw error;
  }
  return {
    host: server.host,
    port: server.port,
    async close() {
      exposition.close();
      await server.close();
    },
  };
}
