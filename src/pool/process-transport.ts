import type { ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { debuglog } from 'node:util';
import type { TransferListItem } from 'node:worker_threads';
import { type CrashSummary, crashHeadline, summarizeCrash } from '../crash-summary.js';
import { DataCloneError } from './errors.js';
import { childExecArgv } from './inherited-exec-argv.js';
import { killOnExit } from './kill-on-exit.js';
import { decodeFromProcess, encodeForProcess } from './process-codec.js';
import {
  CLAIM_PIPE_FD,
  FAILURE,
  HOST_PIPE_FD,
  INIT,
  isWorkerMessage,
  LOAD_FAILED,
  PROGRESS,
  READY,
  RESEND,
  RESULT,
  UP,
  type WorkerInit,
  type WorkerMessage,
} from './protocol.js';
import { serializeError } from './serialized-error.js';
import { processTransferBuffers } from './transfer.js';
import type { TransportEvents, TransportOptions, WorkerTransport } from './worker-transport.js';

const entry = new URL('./process-entry.js', import.meta.url);
const debug = debuglog('hive:pool');

/**
 * Why fork() gave no process, with the errno's name as `code` (a shortage of the system's or not: see system-shortage):
 * Node tells it only on the next tick, too late for the pool's constructor. With no stdio, the pipes could not be
 * made (EMFILE, ENFILE); with them, the fork failed: EAGAIN (out of processes) unless Node's binary is gone (ENOENT)
 * or lost every execute bit (EACCES): not the host's fault, and no retry soon brings it back. Not access(X_OK): it
 * judges by the real uid without capabilities, so a host run as a user with CAP_DAC_OVERRIDE (which exec'd this very
 * binary) would be told its own Node is not executable.
 */
function unspawnedError(hasStdio: boolean): Error {
  let code = 'EMFILE';
  let why = 'out of file descriptors';
  if (hasStdio) {
    code = 'EAGAIN';
    why = 'out of processes';
    try {
      const { mode } = statSync(process.execPath);
      if ((mode & 0o111) === 0) code = 'EACCES';
    } catch (error) {
      code = (error as NodeJS.ErrnoException).code ?? 'ENOENT';
    }
    if (code !== 'EAGAIN') why = 'not there, or not executable';
  }
  return Object.assign(new Error(`its process could not be spawned (${process.execPath}: ${why})`), { code });
}

/**
 * A pool worker in a child process (`isolation: 'process'`): for native code that may crash the whole process, or
 * memory that must be isolated. No shared memory crosses processes, so tasks go one at a time, and one sent to a live
 * child cannot be taken back. The child claims each task on a pipe before starting it (see process-entry): once it is
 * gone, a task it had not claimed is known not to have started, and runs elsewhere, as with a thread's claim ring.
 */
export class ProcessTransport implements WorkerTransport {
  readonly maxInFlight = 1;
  readonly #child: ChildProcess;
  #ended = false;
  /** The child is gone and every byte of its claim pipe was read ('close'): #claimed is final. */
  #closed = false;
  /** Tasks the child claimed, so started: seqs below this one (it claims every task, in order). */
  #claimed = 0;
  #stderrTail = '';
  /**
   * A progress value of the running task that could not be decoded here: the child's task went on, so its answer,
   * which comes next (one task at a time), is replaced by this failure.
   */
  #progressFailure: DataCloneError | undefined;

  constructor(options: TransportOptions, events: TransportEvents) {
    this.#child = loadFork()(entry, options.argv ?? [], {
      serialization: 'advanced',
      env: options.env ?? process.env,
      execArgv: [...(options.execArgv ?? childExecArgv()), ...limitFlags(options)],
      // stdio[HOST_PIPE_FD]: the child's watchdog reads it to learn when this process is gone (see host-watchdog).
      stdio: ['ignore', 'inherit', 'pipe', 'ipc', 'pipe', 'pipe'],
    });
    if (this.#child.pid === undefined) {
      // Not spawned (EMFILE: no pipes nor channel; EAGAIN, ENOENT): Node emits why on the next tick, with nothing
      // after it. Thrown now, the pool reports a worker that could not be started and retries as for a thread; the
      // error then has a listener, else it would end the host.
      this.#child.on('error', () => {});
      throw unspawnedError(this.#child.stdio !== null && this.#child.stdio !== undefined);
    }
    killOnExit(this.#child);
    // fork()'s stdio type stops at fd 4; the sixth entry above is a pipe too.
    const claims = (this.#child.stdio as readonly (Readable | null | undefined)[])[CLAIM_PIPE_FD];
    claims?.on('data', (chunk: Buffer) => {
      this.#claimed += chunk.length;
    });
    for (const stream of [this.#child.stderr, this.#child.stdio[HOST_PIPE_FD], claims]) {
      // A pipe holds the process open like a ref'd handle: an idle pool must not (the child's own ref counts).
      (stream as { unref?: () => void } | null)?.unref?.();
      // Nothing is ever written to the watchdog's pipe; an error on it (the child gone) is not the pool's to report.
      stream?.on('error', () => {});
    }
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    });
    const token = globalThis.crypto.randomUUID();
    this.#child.on('message', (message: unknown) => {
      if (!Array.isArray(message) || message.length !== 2 || message[0] !== token || !isWorkerMessage(message[1])) {
        // The task's own process.send() (or a library's): not an answer, whatever it holds.
        debug('ignored a message from pool child %d that Hive did not send: %o', this.#child.pid, message);
        return;
      }
      if (message[1][0] === UP) {
        events.up();
        return;
      }
      const answer = this.#decode(message[1]);
      if (answer !== undefined) events.message(answer);
      events.drained();
    });
    // 'close' rather than 'exit': it comes after every message the child sent has been delivered.
    this.#child.on('close', (code, signal) => {
      // After the claim pipe's last byte too ('close' waits for every stdio stream).
      this.#closed = true;
      if (this.#ended) return;
      this.#ended = true;
      const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
      const crash = summarizeCrash(this.#stderrTail);
      // V8 reports a heap out of memory on stderr, then aborts: both, so that a task's own output cannot pass for it.
      const outOfMemory = signal === 'SIGABRT' && outOfMemoryReport.test(this.#stderrTail);
      if (crash !== undefined) {
        events.exit(`${how} (${crashHeadline(crash)})`, crashCause(crash), outOfMemory);
        return;
      }
      // No crash report (an exit code of its own, a signal): its last words are the best clue.
      const tail = this.#stderrTail.trim().split('\n').slice(-3).join(' | ');
      events.exit(tail === '' ? how : `${how} (${tail})`, undefined, outOfMemory);
    });
    this.#child.on('error', () => {
      // 'close' follows and reports it; a send to a dead child lands here.
    });
    this.#child.send({ filename: options.filename, workerData: options.workerData, token } satisfies WorkerInit);
  }

  /**
   * The child's message with its value decoded (the child encoded it: see process-codec), or undefined when there is
   * nothing to deliver yet. A value that cannot be decoded fails its task alone, with ERR_HIVE_DATA_CLONE.
   */
  #decode(message: WorkerMessage): WorkerMessage | undefined {
    const kind = message[0];
    // RESEND is a thread's message alone, UP never gets here (see the listener): nothing to decode.
    if (kind === READY || kind === INIT || kind === RESEND || kind === UP) return message;
    let value: unknown;
    try {
      value = decodeFromProcess(message[1]);
    } catch (error) {
      const what = kind === RESULT ? 'result' : kind === PROGRESS ? 'progress value' : 'error';
      const reason = new Error(`the pool's process could not read it: ${(error as Error).message}`, { cause: error });
      const failure = new DataCloneError(what, reason, 'process');
      if (kind === PROGRESS) {
        this.#progressFailure ??= failure;
        return undefined;
      }
      if (kind === LOAD_FAILED) return [LOAD_FAILED, serializeError(failure, false)];
      return [FAILURE, serializeError(this.#takeProgressFailure() ?? failure, false), message[2]];
    }
    if (kind === PROGRESS) return this.#progressFailure === undefined ? [PROGRESS, value] : undefined;
    if (kind === LOAD_FAILED) return [LOAD_FAILED, value];
    const progressFailure = this.#takeProgressFailure();
    if (progressFailure !== undefined) return [FAILURE, serializeError(progressFailure, false), message[2]];
    return [kind, value, message[2]];
  }

  #takeProgressFailure(): DataCloneError | undefined {
    const failure = this.#progressFailure;
    this.#progressFailure = undefined;
    return failure;
  }

  get id(): number {
    return this.#child.pid ?? -1;
  }

  post(names: (string | undefined)[] | undefined, inputs: unknown[], transfer: TransferListItem[] | undefined): void {
    const buffers = transfer === undefined ? undefined : processTransferBuffers(transfer);
    // Each input encoded here (see process-codec): one the channel would make {} throws, and the scheduler fails its
    // task. send() serializes the message now (no handle is ever sent, so nothing queues it): the child has its copy.
    this.#child.send([names, inputs.map((input) => encodeForProcess(input, 'input'))]);
    // No memory crosses processes, so the buffers were copied; detaching the caller's keeps what `transfer` means
    // with threads (the caller no longer has them), and costs no copy. It must not throw: the child has the task, and
    // a throw here would fail a task that runs anyway (and whose answer would go to the worker's next task).
    if (buffers !== undefined && buffers.length > 0) {
      try {
        structuredClone(undefined, { transfer: buffers });
      } catch {
        // Only a buffer that cannot be detached gets here (processTransferBuffers refused the ones Node knows of):
        // it stays usable on the caller's side, as Node 20's postMessage leaves one.
      }
    }
  }

  tryCancel(seq: number): boolean {
    // A live child may start the task at any moment, and nothing can stop it short of killing it.
    return this.#closed && seq >= this.#claimed;
  }

  release(): void {}

  skipped(): boolean {
    // A task is cancelled only once the child is gone (see tryCancel): no slot is ever left to free.
    return true;
  }

  drain(): void {}

  async terminate(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    // Held open until the child is gone, so that awaiting destroy() really waits for it.
    this.#child.ref();
    this.#child.kill('SIGKILL');
    await gone;
  }

  ref(): void {
    this.#child.ref();
    this.#child.channel?.ref();
  }

  unref(): void {
    this.#child.unref();
    this.#child.channel?.unref();
  }
}

/**
 * What a child's stderr is kept of, for its exit message: enough for a crash report's first line to survive a long
 * stack (or V8's out-of-memory report, whose native stack follows it).
 */
const STDERR_TAIL = 16_384;

/**
 * V8's fatal out-of-memory lines: `FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory`
 * (and its other causes: ineffective mark-compacts, invalid array length...), or `Fatal process out of memory: Zone`.
 */
const outOfMemoryReport = /^(?:FATAL ERROR: .*out of memory|#? ?Fatal (?:JavaScript|process) out of memory)/im;

/** The child's uncaught error as an Error, as thread isolation gives the thread's own as `cause`. */
function crashCause(crash: CrashSummary): Error {
  const error = new Error(crash.message);
  Object.defineProperty(error, 'name', { value: crash.name ?? 'Error', configurable: true, writable: true });
  if (crash.code !== undefined) Object.assign(error, { code: crash.code });
  // Its own stack would point here; the report is where it was thrown.
  error.stack = crash.report;
  return error;
}

// V8's flags take whole numbers (`--max-old-space-size=64.5` is a bad option: every child exited 9 at its start),
// where a thread's resourceLimits take fractions of a MB: each is rounded down, to at least 1.
function limitFlags({ resourceLimits }: TransportOptions): string[] {
  const flags: string[] = [];
  if (resourceLimits?.maxOldGenerationSizeMb)
    flags.push(`--max-old-space-size=${Math.max(1, Math.floor(resourceLimits.maxOldGenerationSizeMb))}`);
  if (resourceLimits?.maxYoungGenerationSizeMb) {
    flags.push(`--max-semi-space-size=${Math.max(1, Math.floor(resourceLimits.maxYoungGenerationSizeMb / 3))}`);
  }
  if (resourceLimits?.stackSizeMb) {
    const kb = Math.min(Math.floor(resourceLimits.stackSizeMb * 1024), maxStackKb());
    flags.push(`--stack-size=${kb}`);
  }
  return flags;
}

/**
 * The most `--stack-size` a child may be given. A thread's stack is allocated to its `stackSizeMb`; a child process
 * runs on its main thread's, which the OS bounds (`ulimit -s`, inherited from this process): V8 told it may use as
 * much or more recurses past the OS's end and the child dies of SIGSEGV, where a thread throws a RangeError. So the
 * stack V8 may use stays 1 MB under that bound (at least half of it), leaving native frames their room. Linux tells
 * the bound in /proc/self/limits; elsewhere it is taken as 8 MB, the usual default (macOS's main thread, Linux's).
 */
let stackBoundKb: number | undefined;
function maxStackKb(): number {
  if (stackBoundKb === undefined) {
    const limitKb = osStackLimitKb();
    stackBoundKb = limitKb === Number.POSITIVE_INFINITY ? limitKb : Math.floor(Math.max(limitKb - 1024, limitKb / 2));
  }
  return stackBoundKb;
}

function osStackLimitKb(): number {
  try {
    const line = /^Max stack size\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (line?.[1] === 'unlimited') return Number.POSITIVE_INFINITY;
    const bytes = Number(line?.[1]);
    if (Number.isFinite(bytes) && bytes > 0) return bytes / 1024;
  } catch {
    // Not Linux: the default below.
  }
  return 8 * 1024;
}

// node:child_process costs a thread pool's process about 0.9 MiB of RSS on load: only process-isolated pools need it,
// and they need it synchronously (the constructor forks), hence require rather than import().
let fork: typeof import('node:child_process').fork | undefined;
function loadFork(): typeof import('node:child_process').fork {
  fork ??= (createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process')).fork;
  return fork;
}
