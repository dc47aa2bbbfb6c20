/**
 * The primary of a fork-mode app (a binary such as `pnpm`, a Python script, `interpreter: 'none'`): plain child
 * processes, one per instance, restarted with the cluster's restart policy. It speaks to the daemon exactly as
 * `hive run --log-format json` does (JSON lines on stdout, reload/scale asked over IPC and answered on stdout), so
 * the daemon treats both alike and still never forks app processes itself. Its one argument is the JSON
 * {@link ForkOptions}.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { primaryOutput } from '../cluster/bounded-output.js';
import { memoryLimitWarning } from '../cluster/cgroup-memory.js';
import { closeAfterExit, closeOf } from '../cluster/child-close.js';
import { ReloadAbortedError, WorkerNotReadyError } from '../cluster/errors.js';
import { assertInstanceVars, instanceVars } from '../cluster/instance-vars.js';
import { resolveInstances } from '../cluster/instances.js';
import { PARTIAL_LINE_DELAY, splitLines } from '../cluster/line-splitter.js';
import { MemoryStreak } from '../cluster/memory-streak.js';
import { endedByOomKiller, oomKillCount } from '../cluster/oom-kills.js';
import { assertScriptFile, parseKillTimeout, parseListenTimeout } from '../cluster/options.js';
import { OutputHold } from '../cluster/output-hold.js';
import { pmId } from '../cluster/pm-id.js';
import { ProcessTree, stopProcessTree } from '../cluster/process-tree.js';
import { PM2_READY, waitUntilReady } from '../cluster/ready-wait.js';
import { noRestartReason, RestartPolicy, type RestartPolicyOptions } from '../cluster/restart-policy.js';
import { freeInstances, type SlotStanding, scaleDownOrder } from '../cluster/scale-slots.js';
import { parseSize } from '../cluster/units.js';
import { splitArgs } from '../config/split-args.js';
import { StderrTail } from '../crash-summary.js';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { exitFlushed } from '../exit-flushed.js';
import { logicalCwd } from '../logical-path.js';
import { decodeWorkerMessage, ENV, toWire } from '../runtime/protocol.js';
import { writeWholeLines } from '../whole-line-writes.js';
import { type ForkArgv, joinForkArgv, reloadedForkArgv } from './fork-argv.js';
import { FORK_SPAWN_FAILED } from './fork-exit.js';
import { forkRestartPolicy } from './fork-restart-policy.js';
import { sayLeaving } from './primary-leaving.js';
import { restoreAppNodeOptions } from './primary-node-options.js';
import { ProcStats } from './proc-stats.js';
import type { ReloadSlot } from './protocol.js';
import { ARGUMENT_KEYS, RELOAD_COMMAND_KEYS } from './reload-command.js';

/** What the daemon passes to a fork-mode primary. */
export interface ForkOptions {
  name: string;
  command: string;
  args: string[];
  /**
   * `args` in their parts (fork-argv.ts), so that a config file's reload can put its new script arguments and
   * interpreter flags in their places; absent when the daemon could not tell them apart: a reload keeps `args`.
   */
  argv?: ForkArgv | undefined;
  instances: string;
  /**
   * false: a process that exits is not restarted; when all have exited the primary exits (a one-shot job). So does
   * `restart.autorestart`, and a process that exits with one of `restart.stopExitCodes` is not restarted either.
   */
  autorestart: boolean;
  killTimeout: number;
  /** PM2's treekill: a process is stopped with its descendants (default true). */
  treekill?: boolean;
  /** PM2's kill_signal: what a process is stopped with (default SIGINT, PM2's). */
  killSignal?: NodeJS.Signals;
  /** Bytes of RSS over which a process is restarted (`maxMemoryRestart`); none when undefined. */
  maxMemoryRestart?: number;
  /** How a process that exits is restarted: the app's `restart_delay` and the like (see forkRestartPolicy). */
  restart: RestartPolicyOptions;
  /**
   * PM2's wait_ready: a process is ready once it sends `process.send('ready')` (or calls `ready()` of hive/runtime),
   * not once spawned; past `listenTimeout` it fails as a cluster worker does (see waitUntilReady).
   */
  waitReady?: boolean;
  listenTimeout?: number;
  /** The script file node runs (daemon/fork-node.ts forkNodeScript): a start fails when it is gone. */
  script?: string | undefined;
}

interface Slot {
  instance: number;
  child: ChildProcess | undefined;
  // Settles when its process is ready: at once without waitReady. Rejects (WorkerNotReadyError) when it is not in time.
  ready: Promise<void>;
  // Its process once that is ready (with waitReady, once it said so), and since when (performance.now()).
  readyChild: ChildProcess | undefined;
  readySince: number;
  policy: RestartPolicy;
  timer: NodeJS.Timeout | undefined;
  removed: boolean;
  // The process a memory restart is queued for, so that the next check does not queue another.
  overLimit: ChildProcess | undefined;
  // Memory restarts in a row of processes over the limit from their start: spaced as crash restarts are (as in
  // cluster mode), so that a limit below the app's need is no restart storm.
  memoryStreak: MemoryStreak;
  // Its process is being stopped to be started again (a memory restart, a reload): the slot still counts as running.
  replacing: boolean;
  // It crash-looped and is not restarted until a reload.
  errored: boolean;
  // The environment its process was spawned in, which a restart uses again: a reload that failed before reaching the
  // slot leaves it on the one it runs.
  env: NodeJS.ProcessEnv;
  // The program arguments its process was spawned with, and the memory limit it is held to, kept as `env` is.
  args: readonly string[];
  memoryLimit: number | undefined;
  // How long its process may take to say ready (with waitReady), kept as `env` is: a reload's replacement waits under
  // the reload's listen timeout, and so does its restart after a crash.
  listenTimeout: number;
}

/** What a slot's process is spawned with: a reload's replacement gets the reload's. */
type Setup = Pick<Slot, 'env' | 'args' | 'memoryLimit' | 'listenTimeout'>;

const options = JSON.parse(process.argv[2] ?? '{}') as ForkOptions;
// The app's NODE_OPTIONS the daemon kept from this primary (a permission flag would have stopped it): its processes'.
restoreAppNodeOptions();
// The app's folder with symlinks kept (the daemon sets PWD to it), read once: later, after a deploy switched the link,
// PWD no longer names this process's own folder. Each process started there runs the release linked then.
const appCwd = logicalCwd();
// The cluster's defaults (cluster/options.ts, cluster/worker-process.ts).
const DEFAULT_LISTEN_TIMEOUT = 10_000;
const STDERR_TAIL = 20;
const slots: Slot[] = [];
let stopping = false;
// What the primary exits with once its processes are gone: FORK_SPAWN_FAILED after a spawn error.
let exitStatus = 0;
// The environment of new slots: this primary's own, until a reload brings a new one (`hive reload --update-env`) and
// succeeds.
let appEnv: NodeJS.ProcessEnv = process.env;
// The same for the program's arguments and the memory limit: a config file's reload with new `args`, `node_args` or
// `max_memory_restart` (as PM2's reload applies them) changes them once it succeeded.
let appArgv = options.argv;
let appMemoryLimit = options.maxMemoryRestart;
// And the timeouts: a config file's reload with a new `kill_timeout` or `listen_timeout` (as PM2's reload, and a
// cluster app's primary, apply them) runs under them, and every later process keeps them once it succeeded.
let appKillTimeout = options.killTimeout;
let appListenTimeout = options.listenTimeout ?? DEFAULT_LISTEN_TIMEOUT;
const appArgs = (): string[] => (appArgv === undefined ? options.args : joinForkArgv(appArgv));
// Which exits leave a process down: PM2's autorestart and stop_exit_codes (`restart` may be left out by a caller that
// never has a process crash).
const keepDown = {
  autorestart: options.autorestart && options.restart?.autorestart !== false,
  stopExitCodes: options.restart?.stopExitCodes,
};
// The last exit of a process left down by them: once every slot is down so, the primary exits (the app is stopped).
let lastExit: { instance: number; pid: number; code: number | null; signal: string | null } | undefined;
// The app's state as last said: `errored` while a slot crash-looped, `online` again once a reload revived it.
let appState: 'starting' | 'online' | 'errored' = 'starting';
// A reload or scale is running: the primary does not end meanwhile (a scale that retires the last live process must
// still answer, and leave the app running if it kept one).
let busy = 0;
// The processes spawned with shutdownWithMessage (`hive reload --update-env` may change it between them).
const wantsShutdownMessage = new WeakSet<ChildProcess>();
// Processes whose runtime (hive/runtime, imported by the app) asked for the app's size: told again on each scale.
const followsSize = new WeakSet<ChildProcess>();

// The app's size, to a process that follows it (its 'auto' shared pools resize to their share of the cores).
function sendSize(child: ChildProcess): void {
  if (!child.connected) return;
  // An error (the channel closed as the process exits) goes to the callback, not to an 'error' event of the child.
  child.send(toWire({ hive: 1, type: 'cluster-size', size: slots.length }), () => {});
}

// The app's size, to every process that follows it: after a scale, as a cluster's primary tells its workers.
function sendSizeToAll(): void {
  for (const slot of slots) {
    for (const child of new Set([slot.child, slot.readyChild])) if (child && followsSize.has(child)) sendSize(child);
  }
}

// Whether a message of a process is its runtime's ask for the app's size (an app's own messages are not).
function wantsSize(message: unknown): boolean {
  try {
    return decodeWorkerMessage(message)?.type === 'cluster-size-wanted';
  } catch {
    return false;
  }
}

// `ready()` of hive/runtime, which an app may import in fork mode too: it sends this over the IPC channel.
function isRuntimeReady(message: unknown): boolean {
  const m = message as { hive?: unknown; type?: unknown } | null;
  return typeof m === 'object' && m !== null && m.hive === 1 && m.type === 'ready';
}

// As `hive run --log-format json` writes (cluster/bounded-output.ts): a daemon that reads slower than the app logs must
// not grow this process's memory with the app's lines, while its events, which the daemon keeps its table from, all go.
const output = primaryOutput(process.stdout, 'json', options.name, 'stdout');
// A burst of the app's lines waits in the app while the daemon is behind, rather than being dropped here past the
// bound (see OutputHold).
const outputHold = new OutputHold(process.stdout);
// An exit before the daemon took everything ends at a line's end, not in a record (exitAtLineEnd).
writeWholeLines(process.stdout);

const recordLine = (record: Record<string, unknown>) =>
  `${JSON.stringify({ time: new Date().toISOString(), app: options.name, ...record })}\n`;

/** Hive's own record (an event, an answer, a line it says for a process): never dropped. */
function emit(record: Record<string, unknown>): void {
  output.write(recordLine(record));
}

/**
 * A line of a process's output: dropped while the daemon is far behind, the gap marked (BoundedOutput); a stderr line
 * only past the reserve its stdout lines cannot take.
 */
function emitAppLine(instance: number, pid: number, stream: 'stdout' | 'stderr', line: string, read: number): void {
  const time = new Date(read).toISOString();
  output.appLine(recordLine({ kind: 'log', time, instance, pid, stream, line }), stream === 'stderr');
}

function newSlot(instance: number): Slot {
  const policy = new RestartPolicy(options.restart);
  return {
    instance,
    child: undefined,
    ready: Promise.resolve(),
    readyChild: undefined,
    readySince: 0,
    policy,
    timer: undefined,
    removed: false,
    overLimit: undefined,
    // The daemon's defaults for a caller that left `restart` out (see keepDown).
    memoryStreak: new MemoryStreak(options.restart ?? forkRestartPolicy([])),
    replacing: false,
    errored: false,
    env: appEnv,
    args: appArgs(),
    memoryLimit: appMemoryLimit,
    listenTimeout: appListenTimeout,
  };
}

// A Node.js executable (or Bun, which speaks its IPC), by its file name.
const NODE_PROGRAM = /(?:^|\/)(?:node|nodejs|bun)(?:\d+(?:\.\d+)*)?$/;
// Node.js itself, which takes `--require` (Bun's differs): it gets CLAIM preloaded.
const NODE_ONLY = /(?:^|\/)(?:node|nodejs)(?:\d+(?:\.\d+)*)?$/;
// Claims the primary's variables for the process before the app's code runs (see the file), so that only the process
// this primary spawned speaks Hive's IPC to it: a Node program the app forks sends the app no `cluster-size-wanted`
// or `ready` of its runtime's, whether or not the app loads hive/runtime itself.
const CLAIM = fileURLToPath(new URL('../runtime/fork-claim.cjs', import.meta.url));
// Node's permission model (`--experimental-permission` on Node 20, `--permission`) or a policy manifest
// (`--experimental-policy`, Node 20) among the program's flags: Node 20 holds a preload to `--allow-fs-read`, which
// names the app's files, not Hive's, or to the manifest's integrity list, and the program exited before the app's code
// ran. It gets no claim then, as before there was one (an argument of the app's own of that name also leaves it out:
// harmless). The program's NODE_OPTIONS alike: the daemon keeps it from this primary, which it would stop first
// (primary-node-options.ts), and this primary puts it back for the program.
const NO_CLAIM = /^--(?:experimental-permission|permission|experimental-policy)(?:=|$)/;

// Throws when spawn does (E2BIG: an environment too large for exec), having started nothing. `initial`: spawned by
// the app's start, which fails when this process exits before it is ready (any later one is restarted instead).
function launch(slot: Slot, setup: Setup = slot, initial = false): void {
  // A slot scaled away, or a primary stopping, gets no new process: it would be one nothing tracks or stops.
  if (stopping || slot.removed) return;
  const { instance } = slot;
  const { env, args } = setup;
  const node = NODE_PROGRAM.test(options.command) || options.command === process.execPath;
  const claims =
    (options.command === process.execPath ? process.versions.bun === undefined : NODE_ONLY.test(options.command)) &&
    ![...args, ...splitArgs(env.NODE_OPTIONS ?? '').args].some((arg) => NO_CLAIM.test(arg));
  const child = spawn(options.command, claims ? ['--require', CLAIM, ...args] : [...args], {
    cwd: appCwd,
    env: {
      ...env,
      [ENV.instance]: String(instance),
      [ENV.pm2Instance]: String(instance),
      // As a cluster worker gets it: an 'auto' pool (hive/runtime's pool()) is then sized so that the app's processes
      // x threads fit the cores, not each process for the whole machine. Read at each spawn, so a process a scale or
      // a reload starts gets the size then; one already running is told the new size when its runtime asked for it
      // (followsSize), as a cluster worker is, else keeps its own (another program, an app without hive/runtime).
      [ENV.clusterSize]: String(slots.length),
      [ENV.pm2Id]: pmId(instance),
      // PM2's instance_var and increment_var, as a cluster's primary sets them.
      ...instanceVars((name) => env[name], instance),
      // Unset: the runtime's claim of a process this primary was started from (see ENV.managedPid).
      [ENV.managedPid]: undefined,
      ...(node ? { [ENV.forkReady]: '1' } : {}),
    },
    // An IPC channel for a Node program, as PM2 gives one (lib/God/ForkMode.js): `process.send` for PM2's
    // `process.send('ready')`, and `shutdown_with_message`'s 'shutdown'. Not to other programs, unlike PM2: they
    // close the descriptor but pass NODE_CHANNEL_FD on, and a Node program they start then aborts at its exit.
    stdio:
      NODE_PROGRAM.test(options.command) || options.command === process.execPath
        ? ['ignore', 'pipe', 'pipe', 'ipc']
        : ['ignore', 'pipe', 'pipe'],
  });
  slot.env = env;
  slot.args = args;
  slot.memoryLimit = setup.memoryLimit;
  slot.listenTimeout = setup.listenTimeout;
  // The start's processes are watched once the start is done (below), as before a reload could bring a limit.
  if (setup.memoryLimit !== undefined && appState !== 'starting') watchMemory();
  slot.child = child;
  if (env[ENV.shutdownMessage] === '1') wantsShutdownMessage.add(child);
  if (child.connected) {
    child.on('message', (message) => {
      if (!wantsSize(message)) return;
      followsSize.add(child);
      sendSize(child);
    });
  }
  const pid = child.pid ?? 0;
  // When it became ready: a crash's uptime counts from then, as a cluster worker's does (never ready, 0).
  let readyAt: number | undefined;
  // Why it was killed before it was ready, which its exit then says (WorkerExit.notReady).
  let notReady: string | undefined;
  // Its last stderr lines, with the start of a crash report too long for them (see StderrTail).
  const stderrTail = new StderrTail(STDERR_TAIL);
  // Out of descriptors or processes (EMFILE, ENFILE, EAGAIN): no process ran, but a restart may well succeed, so this is
  // a crash of the slot (its 'close' below), not the program's failure.
  let shortOfResources = false;
  child.on('error', (error: NodeJS.ErrnoException) => {
    const short = !pid && SHORT_OF_RESOURCES.has(error.code ?? '');
    // The app's start fails on it, as on a process of the start that is not ready.
    if (short && initial && appState === 'starting') {
      startFailed(new Error(`cannot spawn ${options.command}: ${error.message}`));
    } else if (short) {
      shortOfResources = true;
      stderrTail.push(`cannot spawn ${options.command}: ${error.message}`);
      emit({ kind: 'event', type: 'warning', message: `worker ${instance} could not be started (${error.message})` });
    }
    // No process ever ran: the program is not there or not executable, and a restart would fail the same way.
    else if (!pid) spawnFailed(error);
    // Else a signal or a message it could not be sent: Hive's word, not the app's, so a warning event (daemon.log,
    // the app's events) worded as a cluster worker's (cluster/worker-process.ts), never one of the app's lines.
    else emit({ kind: 'event', type: 'warning', message: `worker ${instance} (pid ${pid}): ${error.message}` });
  });
  // As PM2 writes an app's output as it comes: a line without its newline yet shows once the app is quiet.
  const partialDelay = { partialDelay: PARTIAL_LINE_DELAY };
  // A spawn that failed for want of descriptors (EMFILE) has no pipes.
  if (child.stdout) {
    splitLines(child.stdout, (line, read) => emitAppLine(instance, pid, 'stdout', line, read), partialDelay);
    outputHold.add(child.stdout);
  }
  if (child.stderr) {
    splitLines(
      child.stderr,
      (line, read) => {
        stderrTail.push(line);
        emitAppLine(instance, pid, 'stderr', line, read);
      },
      partialDelay,
    );
  }
  const becameReady = () => {
    readyAt = Date.now();
    if (slot.child !== child) return;
    slot.readyChild = child;
    slot.readySince = performance.now();
    emit({ kind: 'event', type: 'worker', instance, pid, state: 'ready' });
  };
  if (!pid || !options.waitReady) {
    slot.ready = Promise.resolve();
    if (pid) becameReady();
  } else {
    emit({ kind: 'event', type: 'worker', instance, pid, state: 'starting' });
    slot.ready = waitUntilReady({
      instance,
      listenTimeout: setup.listenTimeout,
      awaited: "did not send process.send('ready') (or call ready())",
      messages: child,
      exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
      stderrTail: () => stderrTail.lines(),
      check: (message) => message === PM2_READY || isRuntimeReady(message),
      onReady: becameReady,
    });
    slot.ready.catch((error: Error) => {
      // Retired meanwhile (a stop, a scale down): its end is the retirement's.
      if (slot.child !== child) return;
      emit({ kind: 'event', type: 'warning', message: error.message });
      // Not ready in time is a crash of the slot, as in cluster mode (the restart policy answers it); the start, a
      // reload or a scale that waits for it fails with the error.
      if (child.exitCode === null && child.signalCode === null && error instanceof WorkerNotReadyError) {
        notReady = error.reason;
      }
      killTree(child);
    });
  }
  const closed = closeOf(child);
  const oomKillsBefore = pid ? oomKillCount() : undefined;
  // On its exit, not its 'close': a process that escaped its tree holds the pipes for as long as it runs, and the slot
  // would show a dead pid online meanwhile. Its last output is still read first (closeAfterExit's grace). One never
  // spawned has no 'exit', only its 'close'.
  child.once(pid ? 'exit' : 'close', async (code: number | null, signal: NodeJS.Signals | null) => {
    // Read to the end within closeAfterExit's grace, whatever the daemon's pace.
    if (child.stdout) outputHold.release(child.stdout);
    await closeAfterExit(child, closed);
    // A process the start spawned that never became ready fails the start (startFailed) rather than restart. Not one
    // restarted meanwhile (another instance not ready yet keeps the app starting): the restart policy answers it.
    const failsStart = initial && appState === 'starting' && readyAt === undefined;
    const expected = stopping || slot.removed || slot.child !== child || (!pid && !shortOfResources) || failsStart;
    const noRestart = expected ? undefined : noRestartReason(keepDown, code);
    const killed =
      signal === 'SIGKILL' && notReady !== undefined
        ? { notReady }
        : !expected && endedByOomKiller(oomKillsBefore, signal, false)
          ? { oomKilled: true as const }
          : {};
    emit({
      kind: 'event',
      type: 'exit',
      instance,
      pid,
      code,
      signal,
      expected,
      ...(noRestart ? { noRestart } : {}),
      ...killed,
    });
    if (slot.child === child) slot.child = undefined;
    if (expected) return maybeExit();
    if (noRestart) {
      lastExit = { instance, pid, code, signal };
      return maybeExit();
    }
    const decision = slot.policy.onCrash(readyAt === undefined ? 0 : Date.now() - readyAt);
    if (decision.action === 'errored') {
      slot.errored = true;
      emit({ kind: 'event', type: 'errored', instance, code, signal, stderrTail: stderrTail.lines(), ...killed });
      refreshState();
      return;
    }
    emit({ kind: 'event', type: 'restart', instance, attempt: decision.attempt, delay: decision.delay });
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (!stopping && !slot.removed) launch(slot);
    }, decision.delay);
  });
}

// Spawn errors of a machine short of descriptors or processes, which Node emits rather than throws.
const SHORT_OF_RESOURCES = new Set(['EMFILE', 'ENFILE', 'EAGAIN']);

/**
 * Ends a process not ready in time: SIGKILL, with its descendants unless treekill is off, as a cluster worker's kill()
 * does; those behind `npm start` or a wrapper would otherwise pile up at each restart.
 */
function killTree(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const tree = options.treekill !== false && child.pid ? new ProcessTree(child.pid) : undefined;
  child.kill('SIGKILL');
  if (child.stdout) outputHold.release(child.stdout);
  if (!tree) return;
  tree.signal('SIGKILL');
  // Those it started since the tree was last read.
  child.once('exit', () => void tree.finish('SIGKILL', 0));
}

// Says the app's state when it changed, as the cluster Supervisor does: errored while a slot is, else online.
function refreshState(): void {
  if (stopping) return;
  const state = slots.some((slot) => slot.errored) ? 'errored' : 'online';
  if (state === appState) return;
  appState = state;
  emit({ kind: 'event', type: 'state', state });
}

// Left down for good (autorestart, stop exit codes): no process, none coming, not errored.
function isDown(slot: Slot): boolean {
  return !slot.child && !slot.timer && !slot.replacing && !slot.errored;
}

// How far the slot is from serving, for a scale down (scaleDownOrder).
function standing(slot: Slot): SlotStanding {
  if (isDown(slot)) return 'down';
  if (slot.errored) return 'errored';
  if (!slot.child) return 'restarting';
  return slot.readyChild === slot.child ? 'serving' : 'starting';
}

// A one-shot job is done when every process has exited and is left down (autorestart, stop exit codes): said as the
// `hive run` primary says it (state stopped, with the last exit), so that the daemon shows the app stopped.
function maybeExit(): void {
  // A slot being replaced is not done: without it, a one-shot job's memory restart or reload would end the job when
  // the old process closes, before its replacement is started. One waiting for a restart or errored is not done
  // either (a reload revives an errored one).
  if (slots.some((slot) => slot.child || slot.replacing || (!stopping && (slot.timer || slot.errored)))) return;
  // A stop exits once its retirements are done (stop()): a process's exit comes before the end of its tree's, whose
  // descendants that ignore the stop signal still get SIGKILL at killTimeout; exiting here left them running.
  if (stopping) return;
  if (lastExit === undefined || busy > 0) return;
  emit({ kind: 'event', type: 'state', state: 'stopped', lastExit });
  exitOnce();
}

/**
 * The program could not be spawned: said on stderr (the daemon shows it as the app's last error, and `hive start`
 * reports it), then the other processes are stopped and the primary exits with FORK_SPAWN_FAILED.
 */
function spawnFailed(error: Error): void {
  if (stopping) return;
  process.stderr.write(`cannot spawn ${options.command}: ${error.message}${spawnHint(error)}\n`);
  exitStatus = FORK_SPAWN_FAILED;
  void stop();
}

/** What to do about a program that cannot be spawned, said with the error (a `hive start` of a script reads it). */
function spawnHint(error: NodeJS.ErrnoException): string {
  const { command } = options;
  if (error.code === 'EACCES') {
    return ` (${command} is not executable: chmod +x it, or name the program that runs it with --interpreter <prog>)`;
  }
  if (error.code !== 'ENOENT') return '';
  // execve says ENOENT too when the file is there but the interpreter its `#!` line names is not.
  return command.includes('/')
    ? ` (no file ${command}, or no interpreter its #! line names)`
    : ` (no program ${command} on PATH: install it, or name another with --interpreter <prog>)`;
}

/** A process was not ready in time during the start: said on stderr (the daemon's reason), and the app stops. */
function startFailed(error: Error): void {
  if (stopping) return;
  process.stderr.write(`${error.message}\n`);
  exitStatus = 1;
  void stop();
}

// `killTimeout`: how long its process may drain, the app's unless a reload brings a new one. In an object, so that a
// `slots.map(retire)` cannot pass its index for it.
function retire(slot: Slot, { killTimeout = appKillTimeout }: { killTimeout?: number } = {}): Promise<void> {
  clearTimeout(slot.timer);
  slot.timer = undefined;
  const child = slot.child;
  // Detached from the slot first: its exit is then expected, not a crash to restart.
  slot.child = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  // Its drain must not wait on the daemon's pace (its runtime's exit waits for its stdout to be read).
  if (child.stdout) outputHold.release(child.stdout);
  return stopProcessTree(child, STOP_SIGNAL, killTimeout, options.treekill !== false, {
    ask: wantsShutdownMessage.has(child) && child.connected ? () => sendShutdown(child) : undefined,
    // Said as a cluster worker's overrun is (daemon.log, the app's events): else the exit by SIGKILL has no reason.
    onKill: () =>
      emit({ kind: 'event', type: 'killed', instance: slot.instance, pid: child.pid, reason: 'killTimeout' }),
  });
}

// PM2's kill signal (or the app's kill_signal): an app written for PM2 cleans up in its own `process.on('SIGINT')`
// handler. A process that has none dies of it, an exit retire() made expected (not a crash, whatever stopExitCodes
// says).
const STOP_SIGNAL: NodeJS.Signals = options.killSignal ?? 'SIGINT';

/**
 * PM2's `shutdown_with_message` (its environment carries it, as a cluster app's does): the message 'shutdown' in
 * place of the signal (God.killProcess), the signal only to a process it cannot send to; retire() SIGKILLs what is
 * left past killTimeout, and its descendants with it.
 */
function sendShutdown(child: ChildProcess): void {
  child.send('shutdown', (error) => {
    if (error) child.kill(STOP_SIGNAL);
  });
}

/** Stops a slot's process to start it again: {@link retire}, with the slot counted as running meanwhile. */
async function retireToReplace(slot: Slot, killTimeout = appKillTimeout): Promise<void> {
  slot.replacing = true;
  try {
    await retire(slot, { killTimeout });
  } finally {
    slot.replacing = false;
  }
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  sayLeaving();
  emit({ kind: 'event', type: 'state', state: 'stopping' });
  await Promise.all(slots.map((slot) => retire(slot)));
  // Said as the cluster Supervisor says it once its processes are gone: daemon.log's "app stopped" line.
  emit({ kind: 'event', type: 'state', state: 'stopped' });
  exitOnce();
}

// The process lives on until its stdout has drained (the daemon reads the last events and answers from it), and
// maybeExit may be called meanwhile. Nothing starts in that time (launch checks `stopping`), and requests that arrive
// are refused: a process started now would outlive its primary.
let exiting = false;
function exitOnce(): void {
  if (exiting) return;
  exiting = true;
  stopping = true;
  sayLeaving();
  exitFlushed(exitStatus);
}

// How often the memory guard reads the processes' RSS: plain processes send no reports, so it comes from /proc.
const MEMORY_CHECK_MS = 1_000;

// The memory guard: a process over maxMemoryRestart is restarted (stopped, then started again: plain processes share
// no port, so there is no replacement to have ready first), in the control queue so that no reload or scale runs
// over it. Only a ready process is checked, as a cluster's primary checks its workers: its first check tells one over
// the limit from its start (MemoryStreak), whose restart then waits as a crash restart would, said once.
function checkMemory(stats: ProcStats): void {
  // A reload dropped the last limit: nothing to read until one brings a limit again (launch starts the guard anew).
  if (slots.every((slot) => slot.memoryLimit === undefined)) {
    clearInterval(memoryWatch);
    memoryWatch = undefined;
    return;
  }
  for (const slot of slots) {
    const child = slot.child;
    const limit = slot.memoryLimit;
    if (!child?.pid || limit === undefined || slot.readyChild !== child || slot.overLimit === child || stopping) {
      continue;
    }
    // Without waitReady a plain process is ready at its spawn, before its program has even loaded: checked then, one
    // that needs its memory from its start would look like one that grew past the limit later.
    if (performance.now() - slot.readySince < MEMORY_CHECK_MS) continue;
    const rss = stats.sample(child.pid).memory;
    if (rss === null) continue;
    const pid = child.pid;
    const verdict = slot.memoryStreak.check(child, { instance: slot.instance, pid }, rss, limit);
    if (verdict.warning !== undefined) emit({ kind: 'event', type: 'warning', message: verdict.warning });
    if (!verdict.replace) continue;
    slot.overLimit = child;
    controlQueue = controlQueue
      .then(async () => {
        if (slot.child !== child || stopping || slot.removed) return;
        // Said (and counted as a restart) once the replacement is sure, as the cluster supervisor says it: a process
        // that crashed or was reloaded while this waited in the queue is no memory restart.
        emit({ kind: 'event', type: 'memory-limit', instance: slot.instance, pid, rss, limit });
        // Started again whatever autorestart says: the limit replaces a process, it does not end a job.
        await retireToReplace(slot);
        if (!stopping && !slot.removed) launch(slot);
      })
      .catch(() => {});
  }
}

// Started with the first process that has a limit (at the start, or a reload's that brings one); stopped by the first
// check that finds no limit left.
let memoryWatch: NodeJS.Timeout | undefined;
function watchMemory(): void {
  if (memoryWatch !== undefined) return;
  const stats = new ProcStats();
  memoryWatch = setInterval(() => checkMemory(stats), MEMORY_CHECK_MS);
}

type ControlMessage = {
  hive?: number;
  type?: string;
  id?: number;
  instances?: number | string;
  env?: Record<string, string>;
  // A config file's reload (daemon/reload-command.ts): the script's new arguments, the interpreter's new flags, the
  // new memory limit (`300M`; null: none), and the new kill and listen timeouts (`4s`; null: the default).
  args?: unknown;
  nodeArgs?: unknown;
  maxMemoryRestart?: unknown;
  killTimeout?: unknown;
  listenTimeout?: unknown;
};

/** A reload's new arguments, memory limit and timeouts, checked before any process is retired; undefined: unchanged. */
interface ReloadChange {
  args?: string[] | undefined;
  nodeArgs?: string[] | undefined;
  maxMemoryRestart?: number | null | undefined;
  // In ms, the default in place of null (as the start's options.ts parses them).
  killTimeout?: number | undefined;
  listenTimeout?: number | undefined;
}

function reloadChange(message: ControlMessage): ReloadChange {
  const list = (key: 'args' | 'nodeArgs'): string[] | undefined => {
    const value = message[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw new InvalidArgumentError(
        `Expected reload \`${key}\` to be an array of strings, got ${describeValue(value)}`,
      );
    }
    return [...(value as string[])];
  };
  const { maxMemoryRestart, killTimeout, listenTimeout } = message;
  return {
    killTimeout: killTimeout === undefined ? undefined : parseKillTimeout(killTimeout ?? undefined),
    listenTimeout: listenTimeout === undefined ? undefined : parseListenTimeout(listenTimeout ?? undefined),
    args: list('args'),
    nodeArgs: list('nodeArgs'),
    maxMemoryRestart:
      maxMemoryRestart === undefined || maxMemoryRestart === null
        ? maxMemoryRestart
        : parseSize(maxMemoryRestart, 'maxMemoryRestart'),
  };
}

// Reload and scale both walk and change `slots`: two at once (a second reload, a scale mid-reload) would launch
// processes into slots the other has replaced or removed. One runs at a time, in arrival order.
let controlQueue: Promise<void> = Promise.resolve();

function enqueueControl(message: ControlMessage): void {
  // control() answers its own failures; the catch only keeps one broken request from stalling every later one.
  controlQueue = controlQueue.then(() => control(message)).catch(() => {});
}

async function control(message: ControlMessage): Promise<void> {
  if (message?.hive !== 1) return;
  // Stopping (a stop, a spawn failure, the job ended): nothing would start, so nothing is claimed to have.
  if (stopping) {
    reply({ hive: 1, type: 'control-result', id: message.id, ok: false, message: 'the app has ended' });
    return;
  }
  busy += 1;
  try {
    reply(await runControl(message));
  } finally {
    busy -= 1;
    // Only now, the answer sent: a change that left every slot down ends the app after it, never midway.
    maybeExit();
  }
}

// On stdout, behind the events it follows (as `hive run` answers, see src/cli/run-control.ts): the daemon learns the
// processes' states from those events, and an answer over IPC could overtake them.
function reply(message: Record<string, unknown>): void {
  emit({ kind: 'control', ...message });
}

async function runControl(message: ControlMessage): Promise<Record<string, unknown>> {
  try {
    let reloaded: ReloadSlot[] = [];
    // Which of a config file's reload's fields were applied: the daemon warns of those not named (an older primary).
    let applied: string[] = [];
    if (message.type === 'reload') {
      // The replacements take it, and new slots once the reload succeeded; spawn gets it whole, so what it lacks is
      // unset.
      const env = message.env === undefined ? appEnv : { ...message.env };
      // As env: the replacements, then every later process. Over the app's now, so a reload queued behind another
      // keeps what that one changed; a plain reload moves every slot to them.
      const change = reloadChange(message);
      const argv = appArgv === undefined ? undefined : reloadedForkArgv(appArgv, change);
      const memoryLimit =
        change.maxMemoryRestart === undefined ? appMemoryLimit : (change.maxMemoryRestart ?? undefined);
      // The replacements wait for ready under the new listen timeout, the processes they replace drain under the new
      // kill timeout; later processes keep both once the reload succeeded.
      const listenTimeout = change.listenTimeout ?? appListenTimeout;
      const killTimeout = change.killTimeout ?? appKillTimeout;
      const args = argv === undefined ? options.args : joinForkArgv(argv);
      const setup: Setup = { env, args, memoryLimit, listenTimeout };
      // Args and node args need their places in the program's arguments (ForkOptions.argv).
      applied = RELOAD_COMMAND_KEYS.filter(
        (key) => change[key] !== undefined && (argv !== undefined || !ARGUMENT_KEYS.includes(key)),
      );
      // As at the start (below), before any process is retired: the daemon checks too, a primary does not rely on it.
      // A script gone since is refused here too, as a cluster reload's replacement fails: the old processes keep on.
      assertInstanceVars((name) => env[name]);
      if (options.script !== undefined) assertScriptFile(options.script);
      // Plain processes share no port: one at a time, so that the others keep running. A plain process counts as
      // ready once spawned (with waitReady, once it says so): a slot's readyMs is its old process's stop plus that.
      // One not ready in time aborts the reload; its slot restarts as after a crash (its old process is gone).
      // A copy: the array may change while a slot is retired (a crash restart is not serialized with this).
      const reloading = [...slots];
      reloaded = reloading.map((slot) => ({
        instance: slot.instance,
        oldPid: slot.child?.pid ?? null,
        newPid: null,
        readyMs: null,
      }));
      for (const [i, slot] of reloading.entries()) {
        const begun = Date.now();
        await retireToReplace(slot, killTimeout);
        slot.policy.reset();
        slot.errored = false;
        if (stopping) break;
        if (slot.removed) continue;
        try {
          launch(slot, setup);
        } catch (error) {
          // The slot's old process is gone already: it gets one in the environment it had, and the reload fails.
          launch(slot);
          throw error;
        }
        const entry = reloaded[i]!;
        entry.newPid = slot.child?.pid ?? null;
        try {
          await slot.ready;
        } catch (error) {
          throw new ReloadAbortedError(slot.instance, error);
        }
        entry.readyMs = Date.now() - begun;
        reply({
          hive: 1,
          type: 'reload-progress',
          id: message.id,
          done: i + 1,
          total: reloading.length,
          slot: entry,
        });
      }
      appEnv = env;
      appArgv = argv;
      appKillTimeout = killTimeout;
      appListenTimeout = listenTimeout;
      if (change.maxMemoryRestart !== undefined) {
        appMemoryLimit = memoryLimit;
        // As at the start (below): a limit the cgroup's never lets a process reach.
        const warning = memoryLimitWarning(memoryLimit, { processes: slots.length });
        if (warning !== undefined) emit({ kind: 'event', type: 'warning', message: warning });
      }
    } else if (message.type === 'scale') {
      const target = resolveInstances(message.instances);
      const from = slots.length;
      if (target > from) {
        if (options.script !== undefined) assertScriptFile(options.script);
        const added = freeInstances(slots, target - from).map(newSlot);
        slots.push(...added);
        slots.sort((a, b) => a.instance - b.instance);
        for (const slot of added) launch(slot);
        try {
          await Promise.all(added.map((slot) => slot.ready));
        } catch (error) {
          // As the cluster's scale: the new slots go again, and the app keeps the size it had.
          for (const slot of added) {
            slot.removed = true;
            slots.splice(slots.indexOf(slot), 1);
          }
          await Promise.all(added.map((slot) => retire(slot)));
          // A process started meanwhile (a crash's restart) was spawned with, or asked and was told, the larger size.
          sendSizeToAll();
          throw error;
        }
      } else {
        // The processes that do not serve go first (PM2 deletes a stopped process first): retiring a running one
        // instead would keep an empty slot (down, errored, or waiting for its restart), and could leave none running.
        const removed = scaleDownOrder(slots, standing).slice(0, from - target);
        for (const slot of removed) {
          slot.removed = true;
          slots.splice(slots.indexOf(slot), 1);
        }
        await Promise.all(removed.map((slot) => retire(slot)));
      }
      // As a cluster's primary does: the processes already running resize their pools to the new share.
      sendSizeToAll();
      emit({ kind: 'event', type: 'scale', from, to: target, slots: slots.map((slot) => slot.instance) });
    } else throw new Error(`unknown control request ${JSON.stringify(message.type)}`);
    // lastExit tells of a slot left down: stale once the reload or scale filled or removed every such slot.
    if (!slots.some(isDown)) lastExit = undefined;
    refreshState();
    const result = { hive: 1, type: 'control-result', id: message.id, ok: true, size: slots.length };
    if (message.type !== 'reload') return result;
    return { ...result, slots: reloaded, ...(applied.length > 0 ? { applied } : {}) };
  } catch (error) {
    const { code } = error as { code?: unknown };
    return {
      hive: 1,
      type: 'control-result',
      id: message.id,
      ok: false,
      message: (error as Error).message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
}

// The daemon gone, its end of the pipes closes: a write then fails with EPIPE, which must not crash the primary
// before it has stopped its processes (as `hive run` does, src/cli/commands/run.ts).
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('message', (message) => {
  const request = message as ControlMessage;
  // The daemon's check that this loop runs (primary-watch.ts): answered at once, not behind a reload in the queue.
  if (request?.hive === 1 && request.type === 'ping')
    process.send?.({ hive: 1, type: 'pong' }, undefined, {}, () => {});
  else enqueueControl(request);
});
// The daemon gone: stop rather than leave orphans no one manages (as `hive run` does), gone already too (its channel's
// 'disconnect' came while this module loaded). Without a channel at all (a test's spawn) there is no daemon to lose.
process.once('disconnect', () => void stop());
process.channel?.unref();
if (process.send && !process.connected) void stop();
// Every process may have exited (autorestart off, or errored): the primary still waits for the daemon's word.
setInterval(() => {}, 1 << 30);
// As the cluster's primary says as it starts (cluster/supervisor.ts): a limit the cgroup's never lets a process reach.
const memoryWarning = memoryLimitWarning(options.maxMemoryRestart, { processes: resolveInstances(options.instances) });
if (memoryWarning !== undefined) emit({ kind: 'event', type: 'warning', message: memoryWarning });
// The checks a cluster's primary makes of its options (cluster/options.ts): a HIVE_INSTANCE_VAR or HIVE_INCREMENT_VAR
// that names no variable fails the start, as `hive start` of a cluster app does, with the error naming it (else
// `HIVE_INSTANCE_VAR=A=B` gave every process `A` set to `B=0`, and a NUL byte failed each spawn); so does a script node
// would run that is gone (ERR_HIVE_SCRIPT_NOT_FOUND): node spawns, the app showed online, then crash-looped. A failed
// start, not a spawn error (FORK_SPAWN_FAILED): a resurrect tries it again, as a cluster app's.
try {
  assertInstanceVars((name) => appEnv[name]);
  if (options.script !== undefined) assertScriptFile(options.script);
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  startFailed(new Error(code ? `${code}: ${message}` : message));
}
const count = stopping ? 0 : resolveInstances(options.instances);
for (let i = 0; i < count; i++) slots.push(newSlot(i));
for (const slot of slots) launch(slot, slot, true);
// Online once every process is spawned (with waitReady, ready), or not at all: a program that cannot be spawned fails
// the start (spawnFailed), and so does one not ready in time.
await Promise.all(
  slots.map(
    (slot) => new Promise((settled) => slot.child?.once('spawn', settled).once('error', settled) ?? settled(0)),
  ),
);
if (!stopping) await Promise.all(slots.map((slot) => slot.ready)).catch(startFailed);
refreshState();
if (slots.some((slot) => slot.memoryLimit !== undefined)) watchMemory();
