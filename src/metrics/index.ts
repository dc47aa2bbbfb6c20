/** Metrics of a running cluster: aggregation of the workers' reports, Prometheus exposition, health endpoints. */
export { type InstanceMetrics, MetricsAggregator, type MetricsSource } from './aggregator.js';
export { AppMetricsCollector, type AppMetricsSource } from './app-metrics.js';
export { type ClusterMetricsOptions, startClusterMetrics } from './cluster-metrics.js';
export { MetricsPortInUseError } from './errors.js';
export {
  exposedMetricsWarning,
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from './metrics-server.js';
export { createMetricsRegistry } from './prometheus.js';
export {
  type AppEvent,
  type AppSnapshot,
  AppSnapshotCollector,
  type HiveSnapshot,
  type InstanceSnapshot,
  localSnapshotSource,
  type PoolSnapshot,
  type SampledRequest,
  type SlotExit,
  type SnapshotSource,
  type SnapshotSupervisor,
} from './snapshot.js';
