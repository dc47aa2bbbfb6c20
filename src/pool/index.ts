/**
 * `hive/pool`: CPU-heavy work on reused worker threads (or child processes). See docs/pool.md.
 * @module
 */
export { HiveError, InvalidArgumentError } from '../errors.js';
export { availableCores, cgroupCpuLimit } from './available-cores.js';
export {
  DataCloneError,
  PoolClosedError,
  QueueFullError,
  TaskAbortedError,
  TaskModuleError,
  TaskNotFoundError,
  TaskTimeoutError,
  ThreadExitedError,
  WorkerOutOfMemoryError,
} from './errors.js';
export type { TaskContext, TaskFunction } from './load-task-module.js';
export type { FilledOptions, PoolOptions, RunOptions } from './options.js';
export { type CloseOptions, Pool, type PoolEvents, type PoolWorkerInfo } from './pool.js';
export { DURATION_BUCKETS_MS, type DurationSummary, type PoolStats, type StartRetryStats } from './pool-stats.js';
export { autoThreadCount, CLUSTER_SIZE_ENV, POOL_THREADS_ENV } from './sizing.js';
export type { TaskTiming } from './task.js';
export { isMoved, type Moved, move } from './transfer.js';
export { isWorkerThread, workerData } from './worker-data.js';
