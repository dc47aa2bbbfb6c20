import { inspect } from 'node:util';
import { crashHint } from '../crash-hints.js';
import { HiveError, InvalidArgumentError } from '../errors.js';

/**
 * `run()` was called while the queue already held `maxQueue` tasks: shed load or retry later. Built without a stack
 * trace: shedding must stay cheap exactly when the process is overloaded, and capturing a stack costs microseconds.
 * The message says how to raise the bound: code moved from piscina (whose default is Infinity) meets it first as a
 * `Promise.all` of thousands of `run()`s.
 */
export class QueueFullError extends HiveError {
  constructor(maxQueue: number) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(
        'ERR_HIVE_QUEUE_FULL',
        `The pool's queue is full (maxQueue: ${maxQueue}); the task was not accepted. Submit at the pace of the ` +
          "'available' event while pool.needsDrain is true, or raise the pool's maxQueue option (default 256 x " +
          "maxThreads): a larger integer, 'auto' (maxThreads squared) or Infinity (no bound, piscina's default)",
      );
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/**
 * A task ran longer than its `timeout`; its thread (or child process) was terminated and replaced. Or, `beforeInit`,
 * it waited that long for the task module's async initialisation (a Promise export) to finish in some worker: then no
 * worker is stopped, since the init is not the task's and would only start over in a new one.
 */
export class TaskTimeoutError extends HiveError {
  /**
   * `when`: 'running' (its worker was replaced), 'init' (it waited for a module's async init), 'resent' (its worker
   * died before starting it, and it had not started again since: no worker was stopped for it).
   */
  constructor(
    timeout: number,
    worker: 'thread' | 'process' = 'thread',
    when: 'running' | 'init' | 'resent' = 'running',
  ) {
    super(
      'ERR_HIVE_TASK_TIMEOUT',
      when === 'init'
        ? `The task did not start within its timeout of ${timeout} ms: the task module's initialisation (an export ` +
            'that is a Promise) had not finished in any worker'
        : when === 'resent'
          ? `The task did not finish within its timeout of ${timeout} ms: its ${worker} died before starting it, ` +
            'and it had not started again since'
          : `The task did not finish within its timeout of ${timeout} ms; its ${worker} was replaced`,
    );
  }
}

/** The task's `signal` aborted it. Named `AbortError` like the platform's own aborts. */
export class TaskAbortedError extends HiveError {
  constructor(reason: unknown) {
    super('ERR_HIVE_TASK_ABORTED', 'The task was aborted', { cause: reason });
    this.name = 'AbortError';
  }
}

/** The thread (or process) running the task died: it threw at top level, exited, or was killed. */
export class ThreadExitedError extends HiveError {
  /** `code` and `message`: for {@link WorkerOutOfMemoryError}, which is one too, and {@link unstartedTransferError}. */
  constructor(
    detail: string,
    cause?: unknown,
    code = 'ERR_HIVE_THREAD_EXITED',
    message = `The worker running the task exited: ${detail}`,
  ) {
    super(code, message, { cause });
  }
}

/**
 * The thread (or process) running the task ran out of heap: piscina's `ERR_WORKER_OUT_OF_MEMORY`, under Hive's own
 * code in both isolations. A ThreadExitedError still (`instanceof` holds), with a code of its own so that callers
 * can tell it from a crash without parsing messages: a task that needs more memory is not a bug to retry.
 */
export class WorkerOutOfMemoryError extends ThreadExitedError {
  /** `worker`: which worker it was, as the message names it (the one running the task, unless none was). */
  constructor(detail: string, cause?: unknown, worker = 'The worker running the task') {
    super(
      detail,
      cause,
      'ERR_HIVE_WORKER_OUT_OF_MEMORY',
      `${worker} ran out of memory (raise resourceLimits.maxOldGenerationSizeMb if the task needs more): ${detail}`,
    );
  }
}

/**
 * The error for a worker's death: out of memory, or any other. `running`: false for a worker that ran no task (it
 * died idle or loading; the `error` event and the tasks it leaves waiting get it), which the message then says.
 */
export function workerExitError(
  detail: string,
  cause: unknown,
  outOfMemory: boolean,
  running = true,
): ThreadExitedError {
  const worker = running ? 'The worker running the task' : 'A pool worker (running no task)';
  if (outOfMemory) return new WorkerOutOfMemoryError(detail, cause, worker);
  return new ThreadExitedError(detail, cause, undefined, `${worker} exited: ${detail}`);
}

/**
 * A task sent with `transfer` whose worker ended (a crash, or stopped for another task) before it started: its
 * transferred input had moved into that worker with the message, so it cannot run on another one.
 */
export function unstartedTransferError(
  detail: string,
  cause?: unknown,
  worker: 'thread' | 'process' = 'thread',
): ThreadExitedError {
  return new ThreadExitedError(
    detail,
    cause,
    undefined,
    `The task had not started; its transferred input was in the stopped ${worker}, so it cannot run elsewhere (${detail})`,
  );
}

/** The pool was closed or destroyed; queued tasks of a destroyed pool are rejected with it. */
export class PoolClosedError extends HiveError {
  constructor(action: string) {
    super('ERR_HIVE_POOL_CLOSED', `The pool is closed: ${action}`);
  }
}

/**
 * The task module could not be loaded (missing file, syntax error, a throw at import), or an export of it that is a
 * Promise (an async init) rejected: `exportName` names that export, and `cause` is the rejection's reason.
 */
export class TaskModuleError extends HiveError {
  constructor(filename: string, cause?: unknown, exportName?: string) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    const what = exportName === undefined ? '' : `: its export "${exportName}" is a Promise that rejected`;
    // What to do, when the cause is a known one: the table the cluster's not-ready error reads, given the error as Node
    // would print it (its fields, as `permission: 'FileSystemRead'`, included).
    const hint = cause instanceof Error ? crashHint({ code: codeOf(cause), report: inspect(cause) }) : undefined;
    super('ERR_HIVE_TASK_MODULE', `The task module ${filename} could not be loaded${what}${detail}${hint ?? ''}`, {
      cause,
    });
  }
}

function codeOf(error: Error): string | undefined {
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** The task module has no function export of the requested name. */
export class TaskNotFoundError extends HiveError {
  constructor(filename: string, name: string, available: readonly string[]) {
    const list = available.length > 0 ? available.join(', ') : 'none';
    super(
      'ERR_HIVE_TASK_NOT_FOUND',
      `The task module ${filename} has no function export named "${name}" (function exports: ${list})`,
    );
  }
}

/**
 * A task's input, result or thrown error cannot be passed between the caller and its worker (functions, symbols, class
 * instances with handles): `worker` is what runs the tasks, a thread or (`isolation: 'process'`) a child process.
 */
export class DataCloneError extends HiveError {
  constructor(
    what: 'input' | 'result' | 'error' | 'progress value',
    cause?: unknown,
    worker: 'thread' | 'process' = 'thread',
  ) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    super('ERR_HIVE_DATA_CLONE', `The task's ${what} cannot be cloned to another ${worker}${detail}`, { cause });
  }
}

/**
 * The class of each code a HiveError raised in a worker may carry (the pool's own, a task's move() misuse): errors
 * cross threads as plain data, and the pool rebuilds them as these classes so that `instanceof` holds on the caller's
 * side as for an error raised there. A HiveError of another code comes back as a HiveError.
 */
export const hiveErrorClasses: Readonly<Record<string, typeof HiveError>> = {
  ERR_HIVE_INVALID_ARGUMENT: InvalidArgumentError,
  ERR_HIVE_QUEUE_FULL: QueueFullError,
  ERR_HIVE_TASK_TIMEOUT: TaskTimeoutError,
  ERR_HIVE_TASK_ABORTED: TaskAbortedError,
  ERR_HIVE_THREAD_EXITED: ThreadExitedError,
  ERR_HIVE_WORKER_OUT_OF_MEMORY: WorkerOutOfMemoryError,
  ERR_HIVE_POOL_CLOSED: PoolClosedError,
  ERR_HIVE_TASK_MODULE: TaskModuleError,
  ERR_HIVE_TASK_NOT_FOUND: TaskNotFoundError,
  ERR_HIVE_DATA_CLONE: DataCloneError,
} as unknown as Record<string, typeof HiveError>;
