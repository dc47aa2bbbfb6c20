import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits, TransferListItem } from 'node:worker_threads';
import { assertEnvValues } from '../env-values.js';
import { envKeySuffix, envVariableProblem } from '../env-variable.js';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { availableCores } from './available-cores.js';
import { decodeFromProcess, encodeForProcess } from './process-codec.js';
import { autoThreadCount } from './sizing.js';
import { RETRY_FIRST_MS, RETRY_MAX_MS, type StartRetryOptions } from './start-retry.js';
import type { TaskTiming } from './task.js';

/** Options of `new Pool()`. */
export interface PoolOptions {
  /** The task module: a path (absolute, or relative to the current directory), a `file:` URL string or a URL. */
  filename: string | URL;
  /**
   * Threads kept alive when idle. Default: half of `maxThreads`, rounded up. Raises an automatic `maxThreads` below it.
   */
  minThreads?: number;
  /**
   * Most threads at once. Default `'auto'`: the cgroup-aware core count divided by `HIVE_CLUSTER_SIZE`, raised to
   * `minThreads` when that is larger.
   */
  maxThreads?: number | 'auto';
  /** A thread above `minThreads` that has been idle this long (ms) retires; `Infinity`: never. Default 10 000. */
  idleTimeout?: number;
  /**
   * Most tasks waiting to start; past it `run()` rejects with ERR_HIVE_QUEUE_FULL. `'auto'`: maxThreads squared (as in
   * piscina); `Infinity`: no bound. Default 256 x maxThreads.
   */
  maxQueue?: number | 'auto';
  /**
   * Default per-task timeout in ms, counted from the task's start (and while it waits for the module's async init with
   * no worker loaded, see docs/pool.md); 0 = none. Default 0.
   */
  timeout?: number;
  /**
   * Most ms `close()` waits for tasks; past it the pool is destroyed and the tasks left reject with
   * ERR_HIVE_POOL_CLOSED. 0 (default): close() waits for every task.
   */
  closeTimeout?: number;
  /** `'thread'` (worker_threads, default) or `'process'` (child processes: isolates native crashes and memory). */
  isolation?: 'thread' | 'process';
  /** V8 heap and stack limits of each worker (for processes, mapped to the equivalent V8 flags). */
  resourceLimits?: ResourceLimits;
  /**
   * Environment of each worker: strings, or undefined to leave a variable out. Default: a copy of `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Node flags of each worker. Default: the parent's, without `--input-type` and without the `--import` of
   * hive/runtime's preload (a Hive primary's, inert in a worker); for a thread also without the flags Node allows the
   * process only (V8's `--max-old-space-size`, `--title`...), which act on the whole process anyway.
   */
  execArgv?: readonly string[];
  /**
   * Arguments appended to each worker's `process.argv` (node's Worker `argv`; a child process's arguments with
   * `isolation: 'process'`): a task module reads them as `process.argv.slice(2)`. Default: none.
   */
  argv?: readonly string[];
  /**
   * The timed retry after a worker failed to start (its module failed to load, it died while loading or soon after,
   * or it could not be started): the first wait in ms (`delay`, default 1000), doubled after each further failure up
   * to `maxDelay` (default 30 000, or `delay` when larger). `false`: no timed retry; a worker then starts only when
   * tasks wait with no worker left to serve them.
   */
  startRetry?: { delay?: number; maxDelay?: number } | false;
  /**
   * A value every worker gets a clone of before it loads the task module, as `workerData` from hive/pool (and from
   * node:worker_threads in threads). SharedArrayBuffers are shared between threads; a child process gets a copy.
   */
  workerData?: unknown;
}

/** Options of `pool.run()`. */
export interface RunOptions {
  /** The named export to run instead of the default export. `null` is the default export, as in piscina. */
  name?: string | null;
  /**
   * Aborts the task: a queued task leaves the queue, a running one's worker is terminated and replaced. `null` is
   * none, as in piscina.
   */
  signal?: AbortSignal | null;
  /**
   * Per-task timeout in ms counted from the task's start (queue wait is bounded by `signal`), and while it waits for
   * the module's async init with no worker loaded (see docs/pool.md); 0 = none.
   */
  timeout?: number;
  /** Objects in `input` to transfer rather than copy (ArrayBuffers, MessagePorts). */
  transfer?: TransferListItem[];
  /** Receives the values the task sends with `context.progress(value)`. */
  onProgress?: (value: unknown) => void;
  /**
   * Called once the task finished (resolved or threw) with its queue wait, run time and worker id; also for a task
   * stopped while running (timeout, abort, its worker's death), with the time it ran until then.
   */
  onTiming?: (timing: TaskTiming) => void;
}

export interface FilledOptions {
  filename: string;
  minThreads: number;
  maxThreads: number;
  idleTimeout: number;
  maxQueue: number;
  timeout: number;
  closeTimeout: number;
  isolation: 'thread' | 'process';
  resourceLimits: ResourceLimits | undefined;
  env: NodeJS.ProcessEnv | undefined;
  execArgv: string[] | undefined;
  argv: string[] | undefined;
  startRetry: StartRetryOptions;
  workerData: unknown;
}

const known = new Set([
  'filename',
  'minThreads',
  'maxThreads',
  'idleTimeout',
  'maxQueue',
  'timeout',
  'closeTimeout',
  'isolation',
  'resourceLimits',
  'env',
  'execArgv',
  'argv',
  'startRetry',
  'workerData',
]);

const atomicsHint =
  "piscina's; Hive's threads wait on Atomics between batches, bounded to 1 ms: HIVE_POOL_ATOMICS=0 in the pool's `env` turns that off";

/** piscina's pool options that Hive refuses, with what a piscina user should do instead (see docs/pool.md). */
const piscinaHints = new Map([
  ['atomics', atomicsHint],
  ['useAtomics', atomicsHint],
  ['name', "piscina's default export to run; Hive has no pool-wide equivalent: pass `name` to each run()"],
  [
    'concurrentTasksPerWorker',
    "piscina's; a Hive thread runs one task at a time, async ones included: raise `maxThreads` for tasks that wait",
  ],
  ['recordTiming', "piscina's; Hive always records run and wait times: read `pool.stats`"],
  ['workerHistogram', "piscina's; Hive always records run and wait times: read `pool.stats`"],
  ['niceIncrement', "piscina's; Hive does not change its threads' priority"],
  ['trackUnmanagedFds', "piscina's; Hive keeps Node's default (true): a thread's fs.open() fds close when it exits"],
  ['taskQueue', "piscina's; Hive's queue is FIFO, with batches and stealing (docs/pool.md)"],
  ['loadBalancer', "piscina's; Hive's queue is FIFO, with batches and stealing (docs/pool.md)"],
  ['stricterFIFO', "piscina's; Hive's queue is FIFO, with batches and stealing (docs/pool.md)"],
]);

/** Validates `new Pool()` options, naming the offending key and value, and fills in the defaults. */
export function fillOptions(options: PoolOptions): FilledOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`Expected pool options to be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue;
    const hint = piscinaHints.get(key);
    throw new InvalidArgumentError(`Unknown pool option \`${key}\`${hint === undefined ? '' : ` (${hint})`}`);
  }
  const filename = taskFile(options.filename);
  const { minThreads, maxThreads, maxQueue } = threadBounds(options);
  const isolation = options.isolation ?? 'thread';
  if (isolation !== 'thread' && isolation !== 'process') {
    throw new InvalidArgumentError(
      `Expected the \`isolation\` option to be 'thread' or 'process', got ${describeValue(isolation)}`,
    );
  }
  const resourceLimits = limitsOption(options.resourceLimits);
  return {
    filename,
    minThreads,
    maxThreads,
    // Infinity: never retire, as in piscina (whose README offers it).
    idleTimeout:
      options.idleTimeout === undefined
        ? 10_000
        : options.idleTimeout === Number.POSITIVE_INFINITY
          ? Number.POSITIVE_INFINITY
          : integer('idleTimeout', options.idleTimeout, 0),
    maxQueue,
    timeout: timeoutOption('timeout', options.timeout),
    closeTimeout: timeoutOption('closeTimeout', options.closeTimeout),
    isolation,
    resourceLimits,
    env: envOption(options.env, isolation),
    execArgv: options.execArgv === undefined ? undefined : stringsOption('execArgv', options.execArgv),
    argv: options.argv === undefined ? undefined : stringsOption('argv', options.argv),
    startRetry: startRetryOption(options.startRetry),
    workerData: workerDataOption(options.workerData, isolation),
  };
}

/** The options that size a pool. */
export type SizeOptions = Pick<PoolOptions, 'minThreads' | 'maxThreads' | 'maxQueue'>;

/**
 * minThreads, maxThreads and maxQueue from the options as given (at construction, and again on `pool.resize()`,
 * where `'auto'` reads the environment anew).
 */
export function threadBounds(options: SizeOptions): { minThreads: number; maxThreads: number; maxQueue: number } {
  const auto = options.maxThreads === undefined || options.maxThreads === 'auto';
  const explicitMin = options.minThreads === undefined ? undefined : integer('minThreads', options.minThreads, 0);
  // The automatic count depends on the machine: minThreads above it (a 2-CPU container) raises it, as piscina does,
  // so options that work on a laptop do not throw there. Only an explicit maxThreads below minThreads is an error.
  const maxThreads = auto
    ? Math.max(autoThreadCount(), explicitMin ?? 0)
    : integer('maxThreads', options.maxThreads, 1);
  // At most the cores: threads kept warm beyond them run nothing more at once, and each one costs its start at
  // construction (a `maxThreads: 300` for I/O-bound tasks held the constructor 15 s starting 150 threads); more start
  // as tasks need them.
  const minThreads = explicitMin ?? Math.min(Math.ceil(maxThreads / 2), availableCores());
  if (minThreads > maxThreads) {
    throw new InvalidArgumentError(
      `Expected the \`minThreads\` option (${minThreads}) to be at most \`maxThreads\` (${maxThreads})`,
    );
  }
  return { minThreads, maxThreads, maxQueue: maxQueueOption(options.maxQueue, maxThreads) };
}

// setTimeout's limit: a longer delay overflows and fires after 1 ms (a TimeoutOverflowWarning), which would time
// every task out at once.
const MAX_TIMEOUT = 2 ** 31 - 1;

/** Validates a timeout in ms: a non-negative number up to 2^31-1 (about 24.8 days); undefined means none (0). */
export function timeoutOption(key: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMEOUT)) {
    throw new InvalidArgumentError(
      `Expected the \`${key}\` option to be a number of ms from 0 to ${MAX_TIMEOUT}, got ${describeValue(value)}`,
    );
  }
  return value;
}

const limitKeys = new Set(['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb']);

// A thread's stack holds Node's own 192 KB reserve: with a `stackSizeMb` below about 0.23 (Node 20 and 24) the thread
// overflows while it starts and Node ends the whole process (`RangeError: Maximum call stack size exceeded`, no
// 'error' event to catch). Above that, up to about 0.26 MB (Node 20) or 0.28 MB (Node 24), the thread still cannot
// start (ERR_WORKER_UNSERIALIZABLE_ERROR, a RangeError): a pool that never runs a task. Twice that, with room to spare.
const MIN_STACK_MB = 0.5;

// Node's Worker takes a string or a misspelt key without a word (and a process worker turns a string into a V8 flag
// that kills it at start), so each limit is checked here: a known key, a positive number of MB.
function limitsOption(value: unknown): ResourceLimits | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(
      `Expected the \`resourceLimits\` option to be an object, got ${describeValue(value)}`,
    );
  }
  for (const [key, limit] of Object.entries(value)) {
    if (!limitKeys.has(key)) {
      throw new InvalidArgumentError(`Unknown \`resourceLimits\` key \`${key}\` (known: ${[...limitKeys].join(', ')})`);
    }
    if (typeof limit !== 'number' || !(limit > 0 && Number.isFinite(limit))) {
      throw new InvalidArgumentError(
        `Expected \`resourceLimits.${key}\` to be a positive number of MB, got ${describeValue(limit)}`,
      );
    }
    if (key === 'stackSizeMb' && limit < MIN_STACK_MB) {
      throw new InvalidArgumentError(
        `Expected \`resourceLimits.stackSizeMb\` to be at least ${MIN_STACK_MB} MB (with a smaller stack no thread can start, and below about 0.23 MB Node ends the whole process), got ${describeValue(limit)}`,
      );
    }
  }
  return value as ResourceLimits;
}

const startRetryKeys = new Set(['delay', 'maxDelay']);

// A wait of 0 would turn the retry into the spawn loop it exists to prevent, and one past setTimeout's limit would
// fire after 1 ms: both refused.
function startRetryOption(value: unknown): StartRetryOptions {
  if (value === false) return false;
  if (value === undefined) return { delay: RETRY_FIRST_MS, maxDelay: RETRY_MAX_MS };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(
      `Expected the \`startRetry\` option to be false or an object, got ${describeValue(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!startRetryKeys.has(key)) {
      throw new InvalidArgumentError(
        `Unknown \`startRetry\` key \`${key}\` (known: ${[...startRetryKeys].join(', ')})`,
      );
    }
  }
  const { delay, maxDelay } = value as { delay?: unknown; maxDelay?: unknown };
  const first = delay === undefined ? RETRY_FIRST_MS : retryWait('delay', delay);
  const max = maxDelay === undefined ? Math.max(RETRY_MAX_MS, first) : retryWait('maxDelay', maxDelay);
  if (max < first) {
    throw new InvalidArgumentError(
      `Expected \`startRetry.maxDelay\` (${max}) to be at least \`startRetry.delay\` (${first})`,
    );
  }
  return { delay: first, maxDelay: max };
}

function retryWait(key: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TIMEOUT) return value;
  throw new InvalidArgumentError(
    `Expected \`startRetry.${key}\` to be an integer number of ms from 1 to ${MAX_TIMEOUT}, got ${describeValue(value)}`,
  );
}

// Checked here, by the clone each worker will get: otherwise every worker start would fail (with minThreads 0, only
// at the first run()), and a child process's serializer refuses more than a thread's (a SharedArrayBuffer, platform
// objects it would make {}). For a child, decoded back too: one the v8 deserializer cannot read (a WebAssembly.Module)
// killed every child at its start.
function workerDataOption(value: unknown, isolation: 'thread' | 'process'): unknown {
  if (value === undefined) return undefined;
  try {
    if (isolation === 'process') decodeFromProcess(encodeForProcess(value, 'workerData'));
    else structuredClone(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `The \`workerData\` option cannot be cloned to a ${isolation === 'process' ? 'child process' : 'thread'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return value;
}

// Checked here: Node checks them only when a worker starts, so a wrong type would fail every task as a dead worker.
// Under isolation 'process' the env is a real process environment, of C strings `NAME=value`: what cannot be one
// (env-variable.ts, the rule of every other door) is refused too. An empty name crashed each child as it started
// (node aborts copying such an environment into the child's watchdog thread), `A=B` reached it as `A`. A thread's env
// is a JavaScript object, which holds any of them. A value that is no string (nor undefined, left out) is refused in
// both, as the Supervisor's (env-values.ts): a thread got `{ x: 1 }` as "[object Object]", null as "null".
function envOption(value: unknown, isolation: 'thread' | 'process'): NodeJS.ProcessEnv | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`Expected the \`env\` option to be an object, got ${describeValue(value)}`);
  }
  assertEnvValues(value, (name) => `the \`env${envKeySuffix(name)}\` option`);
  if (isolation === 'process') {
    for (const [name, item] of Object.entries(value)) {
      const problem = envVariableProblem(name, item);
      if (problem === undefined) continue;
      throw new InvalidArgumentError(
        `Invalid \`env${envKeySuffix(name)}\` option for isolation 'process' (a child process's environment): ${problem}`,
      );
    }
  }
  return value as NodeJS.ProcessEnv;
}

// Node's Worker stringifies any `argv` entry (an object becomes "[object Object]") and fork() refuses some: a
// non-string is a mistake, named here rather than found in a worker.
// A copy, holes read as undefined (every() would skip them), so that the workers get what was checked.
function stringsOption(key: 'execArgv' | 'argv', value: unknown): string[] {
  const entries: unknown[] | undefined = Array.isArray(value) ? [...value] : undefined;
  // A NUL byte cannot reach a process's arguments (exec ends the string there): refused alike in both isolations.
  const isWrong = (entry: unknown) => typeof entry !== 'string' || entry.includes('\0');
  const wrong = entries?.find(isWrong);
  if (entries !== undefined && !entries.some(isWrong)) return entries as string[];
  throw new InvalidArgumentError(
    `Expected the \`${key}\` option to be an array of strings without NUL bytes, got ${entries === undefined ? describeValue(value) : `${describeValue(wrong)} in the array`}`,
  );
}

// piscina's two spellings, so that its users' options carry over: 'auto' (maxThreads squared) and Infinity (no bound).
function maxQueueOption(value: unknown, maxThreads: number): number {
  if (value === undefined) return 256 * maxThreads;
  if (value === 'auto') return maxThreads * maxThreads;
  if (value === Number.POSITIVE_INFINITY || (typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
    return value;
  }
  throw new InvalidArgumentError(
    `Expected the \`maxQueue\` option to be a non-negative integer, Infinity or 'auto', got ${describeValue(value)}`,
  );
}

function integer(key: string, value: unknown, min: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
  const what = min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
  throw new InvalidArgumentError(`Expected the \`${key}\` option to be ${what}, got ${describeValue(value)}`);
}

function taskFile(value: unknown): string {
  let path: string;
  if (value instanceof URL || (typeof value === 'string' && value.startsWith('file:'))) path = urlPath(value);
  else if (typeof value === 'string' && value !== '') path = isAbsolute(value) ? value : resolve(value);
  else {
    throw new InvalidArgumentError(
      `Expected the \`filename\` option to be a path or a file: URL of the task module, got ${describeValue(value)}`,
    );
  }
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) {
    // `https://host/x.js` as text was read as a relative path (`/cwd/https:/host/x.js does not exist`): a string with a
    // URL scheme (two letters or more: `C:` is a drive) gets the URL object's error. Only when no such file exists: a
    // file may have a colon in its name.
    if (typeof value === 'string' && /^[a-z][a-z\d+.-]+:/i.test(value)) urlPath(value);
    throw new InvalidArgumentError(`The \`filename\` option names a task module that does not exist: ${path}`);
  }
  // A folder would only fail later, in every worker's import (ESM resolves no index file).
  if (stats.isDirectory()) {
    throw new InvalidArgumentError(`The \`filename\` option names a directory, not a task module: ${path}`);
  }
  return path;
}

// fileURLToPath throws a bare TypeError for an http: URL or a file: URL with a host; named here instead.
function urlPath(value: URL | string): string {
  try {
    return fileURLToPath(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `Expected the \`filename\` option to be a local file: URL, got ${JSON.stringify(String(value))} (${(error as Error).message})`,
      { cause: error },
    );
  }
}
