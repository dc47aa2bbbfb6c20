/** The cluster primary: run one app as a cluster of processes. */

// The report of a `metrics` event (WorkerMetrics.report), which the runtime sends; named here for the event's users.
export type {
  HistogramReport,
  HttpDurations,
  HttpReport,
  MetricsReport,
  PoolReport,
  RequestSample,
} from '../runtime/protocol.js';
export { type BalanceMode, reuseportReloadWarning, supportsReusePort, TCP_MIGRATE_REQ } from './balance.js';
export {
  AppErroredError,
  BalanceUnsupportedError,
  PortInUseError,
  ReloadAbortedError,
  ScriptNotFoundError,
  SupervisorNotStartedError,
  SupervisorStartedError,
  SupervisorStoppedError,
  WorkerNotReadyError,
} from './errors.js';
export { resolveInstances } from './instances.js';
export { formatEvent, formatLine, type LogFormat } from './log-format.js';
export type { FilledOptions, SocketModeText, SupervisorOptions } from './options.js';
export { HOLD_BACKLOG, OutputHold, STUCK_READER_MS } from './output-hold.js';
export {
  type NoRestartReason,
  type RestartDecision,
  RestartPolicy,
  type RestartPolicyOptions,
} from './restart-policy.js';
export { parseStickyMode, type StickyMode } from './sticky-mode.js';
export {
  type AppState,
  type LastExit,
  type ReloadedSlot,
  type ReloadResult,
  type ScaleResult,
  type SlotInfo,
  Supervisor,
  type SupervisorEvent,
  type SupervisorEvents,
  type WorkerAppMetrics,
  type WorkerInfo,
  type WorkerLine,
  type WorkerMetrics,
} from './supervisor.js';
export { type DurationText, parseDuration, parseSize, type SizeText } from './units.js';
export type { WorkerExit, WorkerState } from './worker-process.js';
