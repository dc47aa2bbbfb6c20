/** Batch size when tasks are tiny: large enough to amortise a message, small enough to keep stealing cheap. */
const MAX_BATCH = 64;
/** A batch should hold about this much work (ms): long tasks then go one or two at a time. */
const BATCH_WORK_MS = 0.5;
/** Unstarted work (ms, estimated) on a busy worker that is worth moving to an idle one. */
const MOVE_MIN_MS = 0.25;

/** How many tasks one worker may hold, from the smoothed run time of recent tasks: many tiny ones, two long ones. */
export function batchLimit(runEwmaMs: number): number {
  if (runEwmaMs <= BATCH_WORK_MS / MAX_BATCH) return MAX_BATCH;
  return Math.max(2, Math.min(MAX_BATCH, Math.floor(BATCH_WORK_MS / runEwmaMs)));
}

/**
 * Whether a busy worker's unstarted tasks are worth moving to an idle one. The estimate lags behind a change of
 * workload, so the head task's running time counts too: a task already running long says the backlog is long.
 */
export function worthMoving(unstarted: number, runEwmaMs: number, headRunningMs: number): boolean {
  return unstarted * runEwmaMs >= MOVE_MIN_MS || headRunningMs >= MOVE_MIN_MS;
}
