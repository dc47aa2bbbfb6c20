/** The live web dashboard: an HTTP server with server-sent events and a static page with uPlot charts. */

export { isLoopbackHost } from '../loopback-host.js';
export {
  type AppEvent,
  type AppSnapshot,
  AppSnapshotCollector,
  type HiveSnapshot,
  type InstanceSnapshot,
  localSnapshotSource,
  type SampledRequest,
  type SnapshotSource,
} from '../metrics/snapshot.js';
export { type DashboardOptions, type DashboardServer, startDashboard } from './dashboard-server.js';
export { DashboardPortInUseError, DashboardSnapshotTimeoutError, DashboardTokenRequiredError } from './errors.js';
