import cluster from 'node:cluster';
import { channel } from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { debuglog } from 'node:util';
import { emitApart } from '../emit-apart.js';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { ENV, type MetricsReport, stickyCookieName } from '../runtime/protocol.js';
import { appHiddenEnvUnset } from './app-hidden-env.js';
import { AppPortRule, appPortOf } from './app-port.js';
import { reuseportReloadWarning, stickyBalanceWarning } from './balance.js';
import { BroadcastRelay } from './broadcast-relay.js';
import { memoryLimitWarning } from './cgroup-memory.js';
import {
  ReloadAbortedError,
  SupervisorNotStartedError,
  SupervisorStartedError,
  SupervisorStoppedError,
  WorkerNotReadyError,
} from './errors.js';
import { assertInstanceVars, instanceVars } from './instance-vars.js';
import { resolveInstances } from './instances.js';
import { MemoryStreak } from './memory-streak.js';
import { nearestTsconfig, TSX_TSCONFIG } from './nearest-tsconfig.js';
import {
  assertKnownKeys,
  assertMemoryReports,
  clusterNodeArgs,
  envRecord,
  killTimeoutWarning,
} from './option-checks.js';
import {
  type FilledOptions,
  fillOptions,
  parseKillTimeout,
  parseListenTimeout,
  type SupervisorOptions,
} from './options.js';
import type { OutputHold } from './output-hold.js';
import { permissionGrants } from './permission-grant.js';
import type { PidLock } from './pid-lock.js';
import { pmId } from './pm-id.js';
import { probePort } from './port-probe.js';
import { residentBytes } from './proc-stat.js';
import { type NoRestartReason, noRestartReason, RestartPolicy } from './restart-policy.js';
import { freeInstances, type SlotStanding, scaleDownOrder } from './scale-slots.js';
import { claimSocket } from './stale-socket.js';
import { StickyRouter } from './sticky-router.js';
import { stickySlot } from './sticky-slot.js';
import { parseSize } from './units.js';
import { UnresponsiveWatch } from './unresponsive-watch.js';
import {
  type DrainWaitingOn,
  type WorkerExit,
  type WorkerListen,
  WorkerProcess,
  type WorkerState,
} from './worker-process.js';

// How long a process that drains on a SIGTERM of its own waits, still serving, before its slot's replacement is
// forked (#handOver). A signal to the whole group (systemd's KillMode=control-group, `kill -TERM -<pgid>`) reaches the
// primary and its processes at once, and their `draining` may be read before the primary's own signal handler runs:
// the stop that follows within a few ms would retire a replacement forked at once (a wasted fork per slot, and its
// "did not become ready" warning). The process keeps serving meanwhile, so the wait costs clients nothing.
// HIVE_HANDOVER_DELAY_MS in the primary's environment sets another: an init system that signals a group slowly, and
// tests that must act inside the wait on a loaded machine.
const HANDOVER_FORK_DELAY_MS = 250;

function handoverForkDelay(): number {
  const text = process.env.HIVE_HANDOVER_DELAY_MS;
  const given = text ? Number(text) : Number.NaN;
  return Number.isFinite(given) && given >= 0 ? given : HANDOVER_FORK_DELAY_MS;
}

/**
 * The app as a whole. `errored`: a slot crash-looped and stopped restarting (a reload revives it). `stopped`: after
 * stop(), or once every slot's process has exited and none is restarted (`autorestart: false`, `stopExitCodes`).
 */
export type AppState = 'starting' | 'online' | 'reloading' | 'errored' | 'stopping' | 'stopped';

/** The exit of a process left down by `autorestart: false` or `stopExitCodes`. */
export interface LastExit {
  instance: number;
  pid: number;
  code: number | null;
  signal: string | null;
}

/** What a supervisor reports, as `event` events (and on the `hive:cluster:event` diagnostics channel). */
export type SupervisorEvent =
  // lastExit: on `stopped` when the app stopped by itself, every process down by autorestart or stopExitCodes.
  | { type: 'state'; state: AppState; lastExit?: LastExit }
  // listen: on `ready`, where the process's app server listens (WorkerProcess.listen), when it reported one.
  | { type: 'worker'; instance: number; pid: number; state: WorkerState; listen?: WorkerListen }
  // noRestart: the process exited on its own and is not restarted, and why.
  | ({ type: 'exit'; instance: number; pid: number; noRestart?: NoRestartReason } & WorkerExit)
  // retiredBy: the process retires on a SIGTERM sent to it directly (WorkerExit.retiredBy): not a crash, attempt 0;
  // said as its replacement is forked, before its exit (see #handOver), or after it when none was forked first.
  | { type: 'restart'; instance: number; attempt: number; delay: number; retiredBy?: 'SIGTERM' }
  // notReady: why the slot's last process did not become ready (the primary killed it: WorkerExit.notReady), under
  // start({ erroredOnFailure }) or at the end of a crash loop; without it the slot's last process crashed.
  | {
      type: 'errored';
      instance: number;
      code: number | null;
      signal: string | null;
      stderrTail: string[];
      notReady?: string;
      // The last process could not be started at all (WorkerExit.spawnError).
      spawnError?: string;
      // The kernel's OOM killer ended the last process (WorkerExit.oomKilled).
      oomKilled?: true;
    }
  | { type: 'reload'; phase: 'start' | 'done' | 'aborted'; reason?: string }
  // Under start({ keepEnded }): every process left down by autorestart or stopExitCodes, where the app would stop.
  | { type: 'ended'; lastExit: LastExit }
  // slots: the instance numbers of the slots after it (a scale-down does not always remove the highest).
  | { type: 'scale'; from: number; to: number; slots: number[] }
  | { type: 'memory-limit'; instance: number; pid: number; rss: number; limit: number }
  // waitingOn: what its drain was still waiting on at its last metrics report, when it sent one (see DrainWaitingOn).
  | { type: 'killed'; instance: number; pid: number; reason: 'killTimeout'; waitingOn?: DrainWaitingOn }
  // A ready worker sent no report for `silentMs` (its event loop looks blocked), or reported again: a mark only.
  | { type: 'unresponsive'; instance: number; pid: number; unresponsive: boolean; silentMs: number }
  | { type: 'warning'; message: string };

/** One line a worker wrote, as `line` events. */
export interface WorkerLine {
  instance: number;
  pid: number;
  stream: 'stdout' | 'stderr';
  line: string;
  /**
   * When the primary read the line's first character (ms since the epoch): a line passed on unfinished, once the
   * worker was quiet, was read before the lines the worker wrote meanwhile. `--log-format json`'s `time`.
   */
  time: number;
}

/** One app process's metrics report, as `metrics` events. */
export interface WorkerMetrics {
  instance: number;
  pid: number;
  report: MetricsReport;
}

/** One worker's answer to {@link Supervisor.requestAppMetrics}, as `app-metrics` events. */
export interface WorkerAppMetrics {
  instance: number;
  pid: number;
  /** The id the request was made with. */
  id: number;
  /** The app's prom-client metrics (as `register.getMetricsAsJSON()` gives them), null when it does not use it. */
  metrics: unknown[] | null;
  /** Sent unasked by a retiring process before its exit (id 0): its last counts. */
  final?: true;
}

/**
 * A supervisor's events and what their listeners get: `supervisor.on('event', (event) => ...)` narrows on
 * `event.type`, and an event name that is none of these does not compile.
 */
export interface SupervisorEvents {
  /** What the supervisor reports: state changes, worker lifecycle, reloads, scales, warnings. */
  event: [SupervisorEvent];
  /** One line a worker wrote. */
  line: [WorkerLine];
  /** One worker report, about once a second per worker (memoryReportInterval). */
  metrics: [WorkerMetrics];
  /** An answer to {@link Supervisor.requestAppMetrics}. */
  'app-metrics': [WorkerAppMetrics];
}

/**
 * One slot of the cluster, as `slots` lists them: `live` while it has a process (its state then is the process's),
 * `restarting` while a crash restart waits for its delay, `errored` once it crash-looped, `down` when its process
 * was left down (`autorestart: false`, `stopExitCodes`).
 */
export interface SlotInfo {
  instance: number;
  state: 'live' | 'restarting' | 'errored' | 'down';
}

/** A live app process, as `workers` lists them. */
export interface WorkerInfo {
  instance: number;
  pid: number;
  state: WorkerState;
  startedAt: number;
  rss: number | undefined;
  /**
   * Its runtime sent no report for 3 report intervals (at least 3 s): its event loop looks blocked. Not restarted
   * for it; the next report clears it. Always false with `memoryReportInterval` 0, and once it leaves `ready`.
   */
  unresponsive: boolean;
}

/** A slot a reload moved to a new process. */
export interface ReloadedSlot {
  instance: number;
  /** The process it retired; null when the slot had none (left down, errored, waiting for its restart). */
  oldPid: number | null;
  /** The process that serves the slot now. */
  newPid: number;
}

/** What {@link Supervisor.reload} resolves to. */
export interface ReloadResult {
  /** Every slot the reload replaced, by instance number. */
  slots: ReloadedSlot[];
}

/** What {@link Supervisor.scale} resolves to. */
export interface ScaleResult {
  /** The number of slots before and after. */
  from: number;
  to: number;
  /** The slots added, each with its (ready) process, by instance number. */
  added: { instance: number; pid: number }[];
  /** The slots removed, each with the process retired (null when it had none), by instance number. */
  removed: { instance: number; pid: number | null }[];
}

/** Restarts counted before a primary started (a daemon's app): per slot, and of the primary itself. */
export interface RestartCounts {
  readonly slots: ReadonlyMap<number, number>;
  readonly primary: number;
}

interface Slot {
  instance: number;
  worker: WorkerProcess | undefined;
  policy: RestartPolicy;
  restartTimer: NodeJS.Timeout | undefined;
  errored: boolean;
  replacing: boolean;
  removed: boolean;
  /** Added by a scale still waiting for it: its first process's failure fails the scale, which removes the slot. */
  adding?: boolean;
  // The process that drains on a SIGTERM of its own while the replacement forked for it fills the slot (#handOver),
  // until it exits.
  handedOver: WorkerProcess | undefined;
  // Until the replacement for a process draining on a SIGTERM of its own is forked (HANDOVER_FORK_DELAY_MS).
  handOverTimer: NodeJS.Timeout | undefined;
  // The replacement a reload or memory replacement is starting for the slot, until it is ready or has failed.
  incoming: WorkerProcess | undefined;
  // The process a memory replacement under way replaces: its `memory-limit` event has counted the restart.
  memoryReplaced: WorkerProcess | undefined;
  // Memory replacements in a row that were over the limit at their first check or failed: the next is spaced as crash
  // restarts are, so that a limit below the app's need is no restart storm.
  memoryStreak: MemoryStreak;
  // The environment its process was forked with (see Supervisor#baseEnv): a crash restart forks in it again, so a
  // reload that aborted before reaching the slot leaves it on the environment it runs.
  env: Record<string, string | undefined> | undefined;
  // The script and Node.js arguments its process was forked with (see Supervisor#baseCommand), kept as `env` is.
  command: WorkerCommand;
  // The memory guard's limit for its process (see Supervisor#maxMemoryRestart), kept as `env` is: a reload's
  // replacement is held to the reload's limit from its first check, not to the one the reload is about to replace.
  memoryLimit: number | undefined;
  // The listen and kill timeouts its process was forked with (see Supervisor#timing), kept as `env` is.
  timing: WorkerTiming;
}

/** How long an app process may take to become ready, and to drain when retired (SIGKILL then). */
interface WorkerTiming {
  readonly listenTimeout: number;
  readonly killTimeout: number;
}

/** What an app process is forked with besides its environment: the script's arguments and Node.js's (`execArgv`). */
interface WorkerCommand {
  readonly args: readonly string[];
  readonly nodeArgs: readonly string[];
}

function slotState(slot: Slot): SlotInfo['state'] {
  if (slot.worker) return 'live';
  if (slot.errored) return 'errored';
  return slot.restartTimer ? 'restarting' : 'down';
}

const eventChannel = channel('hive:cluster:event');
const debug = debuglog('hive');
const runtimeEntry = new URL('../runtime/register.js', import.meta.url).href;

/**
 * The primary of one app: forks a process per slot, restarts crashed ones with backoff, reloads and scales without
 * ever having fewer ready workers than before, and retires workers gracefully.
 *
 * It drives `node:cluster`, which is process-global: one supervisor per process runs at a time.
 *
 * Events: see {@link SupervisorEvents}.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  static #active: Supervisor | undefined;
  readonly options: FilledOptions;
  #slots: Slot[] = [];
  #live = new Set<WorkerProcess>();
  #broadcasts = new BroadcastRelay((message) => this.#emit({ type: 'warning', message }));
  // Which inherited PORT the app's processes listen beside: learnt once, warned once (see AppPortRule).
  #appPorts = new AppPortRule((message) => this.#emit({ type: 'warning', message }));
  /** `reuseport`: the host and port binds found free of other programs' sockets (see #reusePortListen). */
  #reusePortClaims = new Map<string, Promise<void>>();
  // Workers that have exited and whose descendants are still being stopped (treekill): a stop waits for them too.
  #leaving = new Set<Promise<unknown>>();
  #state: AppState = 'starting';
  #queue: Promise<unknown> = Promise.resolve();
  #router: StickyRouter | undefined;
  #stopping: Promise<void> | undefined;
  #reloading = false;
  // The reload running, settled either way (see stop()).
  #reloadRun: Promise<void> | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  // The memory guard's limit for new slots: options.maxMemoryRestart until a reload gives another (or none).
  #maxMemoryRestart: number | undefined;
  // Reads each worker's memory from /proc (see #watchMemory), while a process has a limit.
  #memoryWatch: NodeJS.Timeout | undefined;
  // Marks the ready workers whose reports stopped (a blocked event loop).
  #hangs: UnresponsiveWatch<WorkerProcess> | undefined;
  // The `--socket` path's lock, held from start to stop (reloads, scaling and restarts keep it): see claimSocket.
  #socketLock: PidLock | undefined;
  // Request sampling a live view asked for (sampleRequests), 0 when none did.
  #sampling = 0;
  // The app processes' environment under options.env since a reload with a new one succeeded; until then the
  // primary's own. New slots are forked in it, and a reload moves every slot to it (or to its own new one).
  #baseEnv: Record<string, string | undefined> | undefined;
  // The same for the script's and Node.js's arguments: options.args and options.nodeArgs until a reload with new ones
  // succeeded (a config file's reload of changed `args`, `node_args`, as PM2's applies them).
  #baseCommand: WorkerCommand;
  // The same for listenTimeout and killTimeout: the options' until a reload with new ones succeeded (a config file's
  // reload of changed `listen_timeout`, `kill_timeout`, as PM2's applies them).
  #timing: WorkerTiming;
  // Topology changes running (start, reload, scale, memory replacement): the app does not end by itself meanwhile.
  #busy = 0;
  #lastExit: LastExit | undefined;
  #ended: LastExit | undefined;
  // start({ keepEnded }), and whether its `ended` was said since the last topology change (each may be an attempt).
  #keepEnded = false;
  #endedSaid = false;
  #restartsBefore: { views: RestartCounts; metrics: RestartCounts } | undefined;
  // Said at start: settings given that have no effect (filled options no longer tell a default from a choice).
  readonly #ignored: string | undefined;
  #outputHold: OutputHold | undefined;
  #started = false;

  constructor(options: SupervisorOptions) {
    super();
    this.options = fillOptions(options);
    this.#baseCommand = { args: this.options.args, nodeArgs: this.options.nodeArgs };
    this.#maxMemoryRestart = this.options.maxMemoryRestart;
    this.#timing = { listenTimeout: this.options.listenTimeout, killTimeout: this.options.killTimeout };
    this.#ignored = stickyBalanceWarning(options.balance, this.options.sticky);
  }

  get state(): AppState {
    return this.#state;
  }

  /** The live app processes (replacements and retiring ones included). */
  get workers(): WorkerInfo[] {
    return [...this.#live]
      .map((w) => ({
        instance: w.instance,
        pid: w.pid,
        state: w.state,
        startedAt: w.startedAt,
        rss: w.rss,
        // Only while ready: a draining process's reports may stop for its drain, and no clear follows.
        unresponsive: w.state === 'ready' && this.#hangs?.has(w) === true,
      }))
      .sort((a, b) => a.instance - b.instance || a.startedAt - b.startedAt);
  }

  /** The cluster's slots now, by instance number (a slot a scale-down removed is not one, even while it drains). */
  get slots(): SlotInfo[] {
    return this.#slots
      .map((slot) => ({ instance: slot.instance, state: slotState(slot) }))
      .sort((a, b) => a.instance - b.instance);
  }

  /**
   * The last exit of a process that was left down (`autorestart: false`, or a code in `stopExitCodes`); undefined
   * when there was none. Once every slot is down so, the app stops by itself (`state` `stopped`).
   */
  get lastExit(): LastExit | undefined {
    return this.#lastExit;
  }

  /**
   * True while the app has ended by itself (every process left down, its `ended` event said) and stays up, under
   * `start({ keepEnded })`, for a reload to start it again; false again once a topology change begins. The live views
   * show such an app `stopped`, as the daemon shows one whose primary exited so, though `state` stays `online`.
   */
  get endedKept(): boolean {
    return this.#endedSaid && this.#endedBy() !== undefined;
  }

  /**
   * Restarts counted before this primary started, which the live views add to their own: the daemon's counts of the
   * app since `hive reset` (`hive ls`), given to a primary it respawned, so that every view shows one count.
   */
  get restartsBefore(): RestartCounts | undefined {
    return this.#restartsBefore?.views;
  }

  /** As {@link restartsBefore}, but all of them, `hive reset` or not: the metrics' (a counter never goes down). */
  get restartsTotalBefore(): RestartCounts | undefined {
    return this.#restartsBefore?.metrics;
  }

  /** Sets {@link restartsBefore} and {@link restartsTotalBefore} (`metrics`, the same counts when not given). */
  carryRestarts(views: RestartCounts, metrics: RestartCounts = views): void {
    this.#restartsBefore = { views: copyCounts(views), metrics: copyCounts(metrics) };
  }

  /**
   * Holds the stdout pipes of the processes forked from now on while `hold`'s output stream (where their `line`s are
   * written) is behind: see OutputHold. Without it, their lines come as fast as they are written, whoever reads them.
   */
  holdOutput(hold: OutputHold): void {
    this.#outputHold = hold;
  }

  /** The number of slots (the cluster size). */
  get size(): number {
    return this.#slots.length;
  }

  /**
   * Forks every worker and resolves once all are ready; on failure stops what started and rejects. A stop() before
   * every worker is ready makes it reject with SupervisorStoppedError (the stop's own promise resolves as usual).
   * Once per Supervisor: again, it rejects with SupervisorStartedError (SupervisorStoppedError once stopped).
   * @param startOptions.erroredOnFailure - a process that does not become ready (WorkerNotReadyError: it exited
   *   first, or its listen timeout ran out) errors its slot at once instead, and the start resolves with the app
   *   `errored`, the primary up for a reload to revive it: `hive run --watch`, whose next change may be the fix.
   *   Restarting the same code first, as a crash loop would, only repeats the failure.
   * @param startOptions.keepEnded - once every process is left down (autorestart, stopExitCodes) the app does not
   *   stop: an `ended` event says so, and a reload starts a process in every slot again (`hive run --watch`).
   */
  async start(startOptions: { erroredOnFailure?: boolean; keepEnded?: boolean } = {}): Promise<void> {
    if (this.#stopping) {
      throw new SupervisorStoppedError(
        'start',
        'this Supervisor is stopping or stopped; create a new one to run again',
      );
    }
    if (this.#started) throw new SupervisorStartedError();
    if (Supervisor.#active) {
      throw new SupervisorStoppedError('start', 'another Supervisor runs in this process (node:cluster is global)');
    }
    this.#started = true;
    this.#keepEnded = startOptions.keepEnded === true;
    Supervisor.#active = this;
    // With every slot errored nothing else holds the event loop, and the primary must stay up (to reload or stop).
    this.#keepAlive = setInterval(() => {}, 1 << 30);
    this.#watchMemory();
    this.#hangs = new UnresponsiveWatch(
      this.options.memoryReportInterval,
      () => this.#live,
      (worker, unresponsive, silentMs) => {
        const { instance, pid } = worker;
        this.#emit({ type: 'unresponsive', instance, pid, unresponsive, silentMs });
      },
    );
    const { options } = this;
    cluster.schedulingPolicy = options.balance === 'rr' && !options.sticky ? cluster.SCHED_RR : cluster.SCHED_NONE;
    // The arguments are set per fork (#fork): a reload can change them.
    cluster.setupPrimary({ exec: options.script, cwd: options.cwd, silent: true });
    try {
      if (this.#ignored !== undefined) this.#emit({ type: 'warning', message: this.#ignored });
      const memoryWarning = memoryLimitWarning(options.maxMemoryRestart, { processes: options.instances });
      if (memoryWarning !== undefined) this.#emit({ type: 'warning', message: memoryWarning });
      const killWarning = killTimeoutWarning(options.killTimeout, options.drainIdleGrace);
      if (killWarning !== undefined) this.#emit({ type: 'warning', message: killWarning });
      if (options.balance === 'reuseport' && !options.sticky) {
        const warning = reuseportReloadWarning();
        if (warning !== undefined) this.#emit({ type: 'warning', message: warning });
      }
      if (options.socket !== undefined) this.#socketLock = await claimSocket(options.socket);
      // It listens once the first app server asks for the port (see #stickyListen), on the host that one gave.
      if (options.sticky) {
        this.#router = new StickyRouter(options.sticky, (hash) => this.#pickReady(hash), {
          onWarning: (message) => this.#emit({ type: 'warning', message }),
          pickSlot: (instance) => this.#readyOf(instance),
          // The one the runtime sets, from the same name and port (ENV.appName, ENV.stickyPort).
          pinCookie: stickyCookieName(options.name, options.port!),
        });
      }
      // Through the topology queue: a reload or scale asked for meanwhile (SIGHUP, the daemon) waits for the start.
      await this.#serial(async () => {
        this.#slots = Array.from({ length: options.instances }, (_, i) => this.#newSlot(i));
        for (const slot of this.#slots) slot.worker = this.#fork(slot, slot.env);
        await Promise.all(
          this.#slots.map((slot) => {
            const worker = slot.worker!;
            const ready = worker.whenReady();
            return startOptions.erroredOnFailure
              ? ready.catch((error) => this.#erroredAtStart(slot, worker, error))
              : ready;
          }),
        );
      });
    } catch (error) {
      // Asked for: the workers that did not get to be ready were retired by it, which is no failure of theirs.
      const stopped = this.#stopping !== undefined;
      await this.stop();
      // A stop that finished while the claim was pending (SIGTERM during the start) released nothing.
      this.#releaseSocket();
      if (stopped) {
        throw new SupervisorStoppedError('start', 'stop() was called before every worker was ready', { cause: error });
      }
      throw error;
    }
    this.#refreshState();
    // A process that was ready and exited for good during the start (autorestart off) may have been the last one.
    this.#maybeEnd();
  }

  // A process of start({ erroredOnFailure }) that did not become ready: its slot errored once it has exited (one whose
  // listen timeout ran out is still up). A stop fails the start as without the option, and so does a listen error (a
  // port taken): no change of the app's code frees it.
  async #erroredAtStart(slot: Slot, worker: WorkerProcess, error: unknown): Promise<void> {
    if (!(error instanceof WorkerNotReadyError) || this.#stopping) throw error;
    worker.kill(false, error.reason);
    const { code, signal, spawnError } = await worker.exited;
    if (this.#stopping) throw error;
    slot.errored = true;
    const { instance } = slot;
    const stderrTail = [...worker.stderrTail];
    const spawned = spawnError !== undefined ? { spawnError } : {};
    this.#emit({ type: 'errored', instance, code, signal, stderrTail, notReady: error.reason, ...spawned });
  }

  /**
   * Rolling reload: per slot, fork the replacement, wait until it is ready, then retire the old worker. Resolves, once
   * every old worker has exited, to the slots replaced with their old and new pids. A replacement that fails to become
   * ready aborts the reload (ReloadAbortedError) and the old workers keep serving.
   * A stop during it aborts it too (SupervisorStoppedError; the event's reason is `stopped`), before the app stops.
   * @param options.onStart - called when this reload begins: topology changes run one at a time, so a reload asked
   *   for during another (or during the start) begins only after it.
   * @param options.env - the app's new environment (PM2's `--update-env`), in place of the primary's own: the
   *   replacements and every later fork (crash restart, scale up) get it, with `env` of the options still over it,
   *   and a variable it lacks is unset in them. Kept only if the reload succeeds: after an abort the app's
   *   environment is the one before, which the slots not reached run and restart in (a slot replaced before the
   *   abort runs, and restarts in, the new one until the next reload moves it back).
   * @param options.args - the script's new arguments, and `options.nodeArgs` Node.js's (a config file's changed
   *   `args`, `node_args`): the replacements and every later fork get them, kept only if the reload succeeds, as `env`.
   * @param options.maxMemoryRestart - the app's new memory limit (a config file's changed `max_memory_restart`, as
   *   `pm2 reload` applies it), null for none: the memory guard holds each replacement (and every later process) to
   *   it. Kept only if the reload succeeds, as `env` (a slot replaced before an abort keeps it until the next reload).
   * @param options.listenTimeout - the app's new listenTimeout (a config file's changed `listen_timeout`, as `pm2
   *   reload` applies it), null for the default: this reload's replacements already get it to become ready in, and
   *   every later fork. `options.killTimeout` likewise (`kill_timeout`): the old processes this reload retires already
   *   drain under it, as do the replacements and every later process (PM2's reload: the file's new values govern the
   *   reload they come with). Both kept only if the reload succeeds, as `env`.
   * @param options.onReplaced - called as each slot's replacement is ready and takes the slot, with the slot as the
   *   result will list it: a process that became ready meanwhile (a crash restart, a hand-over) is not the slot's
   *   replacement, when the reload retires it next.
   * A throw of `onStart` or `onReplaced` does not stop the reload: it surfaces as an uncaught exception just after.
   */
  reload(
    options: {
      onStart?: () => void;
      onReplaced?: (slot: ReloadedSlot) => void;
      env?: Record<string, string | undefined>;
      args?: readonly string[];
      nodeArgs?: readonly string[];
      maxMemoryRestart?: number | string | null;
      listenTimeout?: number | string | null;
      killTimeout?: number | string | null;
    } = {},
  ): Promise<ReloadResult> {
    checkReloadOptions(options);
    const env = options.env === undefined ? undefined : envRecord(options.env, 'env', 'reload ');
    const args = options.args === undefined ? undefined : reloadList(options.args, 'args');
    const nodeArgs = options.nodeArgs === undefined ? undefined : reloadNodeArgs(options.nodeArgs);
    const limit = reloadMemoryLimit(options.maxMemoryRestart, this.options.memoryReportInterval);
    const listenTimeout = reloadTimeout(options.listenTimeout, 'listenTimeout');
    const killTimeout = reloadTimeout(options.killTimeout, 'killTimeout');
    // As the constructor checks the environment it starts in (options.ts), before anything is replaced: the
    // replacements would get an unusable variable (`A=B` as a name).
    if (env !== undefined) {
      const own = this.options.env;
      assertInstanceVars((name) => (Object.hasOwn(own, name) ? own[name] : env[name]), this.options.sticky);
    }
    // Before start() node:cluster has no exec set (start() sets it): a fork would run the caller's own script. After
    // the options' checks, which throw at the call whatever the state.
    if (!this.#started && !this.#stopping) return Promise.reject(new SupervisorNotStartedError('reload'));
    return this.#serial(async () => {
      if (this.#stopping) throw new SupervisorStoppedError('reload');
      // Over the command of the app now, not of when it was asked: a reload queued behind another keeps what it changed.
      const base = this.#baseCommand;
      const command = { args: args ?? base.args, nodeArgs: nodeArgs ?? base.nodeArgs };
      const timing = {
        listenTimeout: listenTimeout ?? this.#timing.listenTimeout,
        killTimeout: killTimeout ?? this.#timing.killTimeout,
      };
      const { onStart, onReplaced } = options;
      const run = this.#rollingReload(env ?? this.#baseEnv, { command, timing }, limit, onStart, onReplaced);
      // A stop waits for it: its done or aborted must come before the app's `stopped`, after which a `hive run`
      // primary exits (the replacement it retires fails its wait only a tick after its exit).
      this.#reloadRun = run.then(
        () => {},
        () => {},
      );
      return run;
    });
  }

  async #rollingReload(
    base: Record<string, string | undefined> | undefined,
    { command, timing }: Pick<Slot, 'command' | 'timing'>,
    limit: number | null | undefined,
    onStart?: () => void,
    onReplaced?: (slot: ReloadedSlot) => void,
  ): Promise<ReloadResult> {
    // Over the limit of the app now, as the command: a plain reload moves every slot to it.
    const memoryLimit = limit === undefined ? this.#maxMemoryRestart : (limit ?? undefined);
    // Progress callbacks: a throw surfaces as uncaught, and neither aborts the reload nor leaves it half done.
    if (onStart) emitApart(onStart);
    this.#reloading = true;
    this.#refreshState();
    this.#emit({ type: 'reload', phase: 'start' });
    if (timing.killTimeout !== this.#timing.killTimeout) {
      const warning = killTimeoutWarning(timing.killTimeout, this.options.drainIdleGrace);
      if (warning !== undefined) this.#emit({ type: 'warning', message: warning });
    }
    const retirements: Promise<unknown>[] = [];
    const replaced: ReloadedSlot[] = [];
    try {
      for (const slot of [...this.#slots]) {
        if (this.#stopping) throw new SupervisorStoppedError('reload');
        if (slot.removed) continue;
        const { retired, oldPid, newPid } = await this.#replace(slot, base, { command, memoryLimit, timing });
        retirements.push(retired);
        const entry = { instance: slot.instance, oldPid, newPid };
        replaced.push(entry);
        if (onReplaced) emitApart(() => onReplaced({ ...entry }));
      }
      await Promise.all(retirements);
      this.#baseEnv = base;
      this.#baseCommand = command;
      this.#timing = timing;
      if (limit !== undefined) this.#setMemoryLimit(memoryLimit);
      this.#forgetLastExit();
      this.#emit({ type: 'reload', phase: 'done' });
      return { slots: replaced.sort((a, b) => a.instance - b.instance) };
    } catch (error) {
      // A stop retired the replacement: its "exited before it was ready" is no fault of the new code.
      const stopped = this.#stopping !== undefined;
      this.#emit({ type: 'reload', phase: 'aborted', reason: stopped ? 'stopped' : (error as Error).message });
      if (stopped && !(error instanceof SupervisorStoppedError)) {
        throw new SupervisorStoppedError('reload', 'the app was stopped during it', { cause: error });
      }
      throw error;
    } finally {
      this.#reloading = false;
      this.#refreshState();
    }
  }

  /**
   * Changes the number of workers: new slots are forked (and awaited ready), removed ones retired. Resolves, once the
   * new workers are ready and the removed ones have exited, to the slots added and removed.
   * @param instances - the new count, absolute, as the `instances` option reads it: a positive integer (`3` or `"3"`),
   *   `'max'` (every core) or `-1` (every core but one; not the CLI's `hive scale <app> -1`, one fewer than now).
   *   `0` is refused (ERR_HIVE_INVALID_ARGUMENT), thrown at the call: to `-i` it means every core, to node:cluster or
   *   Kubernetes users no process; use stop() for none and `'max'` for every core.
   */
  scale(instances: number | string): Promise<ScaleResult> {
    if (instances === 0 || (typeof instances === 'string' && /^\s*0+\s*$/.test(instances))) {
      throw new InvalidArgumentError("scale(0) would stop every process: use stop(); for every core pass 'max'");
    }
    const target = resolveInstances(instances);
    // As reload(): a fork before start() would run the caller's own script.
    if (!this.#started && !this.#stopping) return Promise.reject(new SupervisorNotStartedError('scale'));
    return this.#serial(async () => {
      if (this.#stopping) throw new SupervisorStoppedError('scale');
      const from = this.#slots.length;
      const result: ScaleResult = { from, to: target, added: [], removed: [] };
      if (target > from) {
        const added = freeInstances(this.#slots, target - from).map((instance) => this.#newSlot(instance));
        this.#slots = [...this.#slots, ...added].sort((a, b) => a.instance - b.instance);
        this.#broadcastSize();
        for (const slot of added) {
          slot.adding = true;
          slot.worker = this.#fork(slot, slot.env);
          result.added.push({ instance: slot.instance, pid: slot.worker.pid });
        }
        try {
          await Promise.all(added.map((slot) => slot.worker!.whenReady()));
          for (const slot of added) slot.adding = false;
        } catch (error) {
          this.#slots = this.#slots.filter((slot) => !added.includes(slot));
          this.#broadcastSize();
          for (const slot of added) this.#removeSlot(slot);
          throw error;
        }
      } else if (target < from) {
        // The slots that do not serve go first (PM2 deletes a stopped process first): retiring a serving one instead
        // would keep an empty slot (one down, errored, or waiting for its crash restart), and could leave none serving.
        const removed = scaleDownOrder(this.#slots, (slot) => this.#standing(slot)).slice(0, from - target);
        for (const slot of removed) result.removed.push({ instance: slot.instance, pid: slot.worker?.pid ?? null });
        this.#slots = this.#slots.filter((slot) => !removed.includes(slot));
        this.#broadcastSize();
        await Promise.all(removed.map((slot) => this.#removeSlot(slot)));
      }
      this.#forgetLastExit();
      this.#emit({ type: 'scale', from, to: target, slots: this.#slots.map((slot) => slot.instance) });
      this.#refreshState();
      result.removed.sort((a, b) => a.instance - b.instance);
      return result;
    });
  }

  /**
   * Retires every worker (drain, hooks, exit; SIGKILL after killTimeout) and resolves when all have exited.
   * `signal: 'SIGINT'` says the stop comes from a Ctrl-C, which the app processes of the terminal's process group got
   * too: their own SIGINT handlers have run from it, and the runtime does not signal them again after the drain.
   */
  stop(options: { signal?: 'SIGINT' } = {}): Promise<void> {
    this.#stopping ??= (async () => {
      this.#setState('stopping');
      for (const slot of this.#slots) {
        clearTimeout(slot.restartTimer);
        clearTimeout(slot.handOverTimer);
      }
      void this.#router?.close();
      // Before the drain: a process that drains hands a routed connection back, and with all draining none would
      // take a client whose head the router was still reading (it was closed unanswered).
      await this.#router?.drainHeads(this.options.drainIdleGrace, this.#timing.killTimeout);
      await Promise.all([...this.#live].map((worker) => worker.retire(options.signal)));
      await Promise.all(this.#leaving);
      await this.#reloadRun;
      // Only now: until the last worker has closed the socket, another primary must not take the path over.
      this.#releaseSocket();
      this.#setState('stopped', this.#ended);
      clearInterval(this.#keepAlive);
      clearInterval(this.#memoryWatch);
      this.#hangs?.stop();
      if (Supervisor.#active === this) Supervisor.#active = undefined;
    })();
    return this.#stopping;
  }

  /**
   * Asks every ready worker for its app's own prom-client metrics; each answers with an `app-metrics` event
   * (`{ instance, pid, id, metrics }`, metrics null when the app does not use prom-client). Returns how many were
   * asked.
   */
  requestAppMetrics(id: number): number {
    let asked = 0;
    for (const worker of this.#live) {
      if (worker.state === 'ready' && worker.send({ hive: 1, type: 'app-metrics-request', id })) asked++;
    }
    return asked;
  }

  /**
   * Turns request sampling on in every worker, now and in those forked later: each keeps the `size` slowest requests
   * of a report interval, with their pool tasks (a live view's waterfall). 0 goes back to what the app's env says
   * (`HIVE_REQUEST_SAMPLES`, off by default), which a smaller size never lowers.
   */
  sampleRequests(size: number): void {
    if (!(Number.isInteger(size) && size >= 0)) {
      throw new InvalidArgumentError(
        `Expected sampleRequests() size to be an integer >= 0, got ${describeValue(size)}`,
      );
    }
    const before = this.#samplingSize();
    this.#sampling = size;
    const after = this.#samplingSize();
    if (after === before) return;
    for (const worker of this.#live) worker.send({ hive: 1, type: 'sampling', size: after });
  }

  #samplingSize(): number {
    const base = this.#baseEnv ?? process.env;
    const fromEnv = Number(this.options.env?.[ENV.requestSamples] ?? base[ENV.requestSamples]) || 0;
    return Math.max(this.#sampling, fromEnv);
  }

  /** Kills every worker at once (the second Ctrl-C). */
  forceStop(): Promise<void> {
    const stopped = this.stop();
    this.#router?.dropHeads();
    for (const worker of this.#live) worker.kill();
    return stopped;
  }

  #releaseSocket(): void {
    this.#socketLock?.release();
    this.#socketLock = undefined;
  }

  #newSlot(instance: number): Slot {
    return {
      instance,
      worker: undefined,
      policy: new RestartPolicy(this.options),
      restartTimer: undefined,
      errored: false,
      replacing: false,
      removed: false,
      handedOver: undefined,
      handOverTimer: undefined,
      incoming: undefined,
      memoryReplaced: undefined,
      memoryStreak: new MemoryStreak(this.options),
      env: this.#baseEnv,
      command: this.#baseCommand,
      memoryLimit: this.#maxMemoryRestart,
      timing: this.#timing,
    };
  }

  // `base`: the environment under options.env (undefined: the primary's own), the slot's own unless a reload
  // replaces the slot's process; `command` and `timing` likewise.
  #fork(
    slot: Slot,
    base: Record<string, string | undefined> | undefined,
    command = slot.command,
    timing = slot.timing,
  ): WorkerProcess {
    if (this.#stopping) throw new SupervisorStoppedError('start a worker');
    const { options } = this;
    const env: Record<string, string | undefined> = {
      ...unsetStaleEnv(base),
      ...base,
      ...options.env,
      [ENV.managed]: '1',
      // The runtime's claim of a process this primary runs in (a `hive run` started from inside a managed app).
      [ENV.managedPid]: undefined,
      // The daemon's word to this primary alone (cluster/app-port.ts); read below, before it is unset here.
      [ENV.givenPort]: undefined,
      [ENV.instance]: String(slot.instance),
      [ENV.pm2Instance]: String(slot.instance),
      [ENV.pm2Id]: pmId(slot.instance),
      [ENV.clusterSize]: String(this.#slots.length),
      [ENV.appName]: options.name,
      [ENV.balance]: options.balance,
      [ENV.drainIdleGrace]: String(options.drainIdleGrace),
      // Unset without the option: one inherited from a primary's environment is not this app's.
      [ENV.keepAliveTimeout]: options.keepAliveTimeout === undefined ? undefined : String(options.keepAliveTimeout),
      [ENV.reportInterval]: String(options.memoryReportInterval),
      // From any source (the primary's environment, a reload's new one, `env`): the primary's secret, never the app's.
      ...appHiddenEnvUnset(),
    };
    if (options.port !== undefined) env.PORT = String(options.port);
    // tsx looks for tsconfig.json from the process's cwd: a monorepo started from its root ran apps/api's code without
    // apps/api's tsconfig (its paths, its experimentalDecorators). The script's nearest one, unless the app names one.
    if (options.typescript && env[TSX_TSCONFIG] === undefined) {
      const tsconfig = nearestTsconfig(options.script);
      if (tsconfig !== undefined) env[TSX_TSCONFIG] = tsconfig;
    }
    // A SIGTERM sent to a process directly: it serves on until the primary's `shutdown` (see #handOver).
    env[ENV.sigtermHandover] = '1';
    if (options.sticky) env[ENV.stickyPort] = String(options.port);
    if (options.sticky?.by === 'cookie') env[ENV.stickyCookie] = '1';
    if (options.socket !== undefined) {
      env[ENV.socket] = options.socket;
      env[ENV.socketMode] = options.socketMode.toString(8);
      if (options.socketGroup !== undefined) env[ENV.socketGid] = String(options.socketGroup);
    }
    if (this.#sampling > 0) env[ENV.requestSamples] = String(this.#samplingSize());
    // Unset when counting: a `hive run` started inside an app that counts nothing inherits its HIVE_HTTP_METRICS=0.
    env[ENV.httpMetrics] = options.httpMetrics ? undefined : '0';
    setInstanceVars(env, slot.instance);
    const stickyPort = options.sticky ? options.port : undefined;
    // The PORT the process sees (cluster.fork() lays `env` over the primary's own environment), as the runtime's
    // `--socket` and `hive edge --app` read it: the port the app is told to serve on, and whether Hive was given it.
    const read = (name: string) => (name in env ? env[name] : process.env[name]);
    // Unset in `env` above, so read where the daemon put it: the primary's environment, or a reload's new one.
    const daemonGiven = (base ?? process.env)[ENV.givenPort];
    const appPort = this.#appPorts.of(appPortOf({ port: options.port, env: options.env, read, daemonGiven }));
    const outputHold = this.#outputHold;
    // Node reads the settings at each fork: the slot's arguments, which a reload may have changed since the last one.
    // NODE_OPTIONS as the process gets it: `--env`, the config's env, or the environment it inherits.
    const execArgv = this.#execArgv(command.nodeArgs, read('NODE_OPTIONS'));
    cluster.setupPrimary({ args: [...command.args], execArgv });
    const worker = new WorkerProcess(cluster.fork(env), slot.instance, {
      ...options,
      ...timing,
      stickyPort,
      appPort,
      outputHold,
    });
    const { pid, instance } = worker;
    this.#live.add(worker);
    worker.on('state', (state: WorkerState) => {
      const { listen } = worker;
      this.#emit({ type: 'worker', instance, pid, state, ...(state === 'ready' && listen ? { listen } : {}) });
    });
    worker.on('line', (stream: 'stdout' | 'stderr', line: string, time: number) => {
      emitApart(() => this.emit('line', { instance, pid, stream, line, time } satisfies WorkerLine));
    });
    worker.on('memory', (rss: number) => {
      this.#hangs?.reported(worker);
      this.#checkMemory(slot, worker, rss);
    });
    worker.on('metrics', (report: MetricsReport) => {
      emitApart(() => this.emit('metrics', { instance, pid, report } satisfies WorkerMetrics));
    });
    worker.on('app-metrics', (message: { id: number; metrics: unknown[] | null; final?: true }) => {
      const { id, metrics, final } = message;
      const appMetrics = { instance, pid, id, metrics, ...(final ? { final } : {}) } satisfies WorkerAppMetrics;
      emitApart(() => this.emit('app-metrics', appMetrics));
    });
    // Relayed to every other process with a channel, starting and draining ones too: a draining one may still hold
    // WebSocket clients, and a starting one's runtime listens before the app's code runs.
    worker.on('broadcast', (data: unknown) => {
      this.#broadcasts.relay(
        data,
        instance,
        [...this.#live].filter((other) => other !== worker),
      );
    });
    worker.on('killed', (waitingOn: DrainWaitingOn | undefined) =>
      this.#emit({ type: 'killed', instance, pid, reason: 'killTimeout', ...(waitingOn ? { waitingOn } : {}) }),
    );
    worker.on('warning', (message: string) => this.#emit({ type: 'warning', message }));
    worker.on('sticky-taken', (id: number) => this.#router?.taken(worker, id));
    worker.on('sticky-dropped', (id: number) => this.#router?.dropped(worker, id));
    worker.on('sticky-return', (socket: Socket, head: string | null) => {
      if (this.#router) this.#router.reroute(socket, head);
      else socket.destroy();
    });
    // A cluster-size or sampling message sent while it started may have been dropped (IPC delivers before its runtime
    // listens): once ready it listens, so it gets the current values again.
    worker.on('sticky-listen', (id: number, host: string | null, ipv6Only: boolean) => {
      this.#stickyListen(worker, id, host, ipv6Only);
    });
    worker.on('reuseport-listen', (id: number, host: string | null, port: number) => {
      this.#reusePortListen(worker, id, host, port);
    });
    worker.whenReady().then(
      () => {
        worker.send({ hive: 1, type: 'cluster-size', size: this.#slots.length });
        worker.send({ hive: 1, type: 'sampling', size: this.#samplingSize() });
        this.#router?.wake();
      },
      () => {},
    );
    worker.on('draining', () => this.#handOver(slot, worker));
    worker.on('exit', (exit: WorkerExit) => {
      this.#live.delete(worker);
      if (slot.handedOver === worker) slot.handedOver = undefined;
      // Gone before its replacement was forked (it crashed, or a second SIGTERM drained it at once): its exit is the
      // slot's, under the restart rules, as without a handover.
      if (slot.worker === worker) {
        clearTimeout(slot.handOverTimer);
        slot.handOverTimer = undefined;
      }
      this.#leaving.add(worker.gone);
      void worker.gone.then(() => this.#leaving.delete(worker.gone));
      this.#router?.forget(worker);
      // A retirement on a SIGTERM only once the process was up for minUptime: an app that SIGTERMs itself at boot (a
      // common "fail, then exit gracefully") would otherwise restart at once, forever, with no backoff and no count.
      if (exit.retiredBy !== undefined && upFor(worker) < this.options.minUptime) delete exit.retiredBy;
      const noRestart = this.#isCrash(slot, worker, exit) ? noRestartReason(this.options, exit.code) : undefined;
      this.#emit({ type: 'exit', instance, pid, ...exit, ...(noRestart ? { noRestart } : {}) });
      this.#onExit(slot, worker, exit, noRestart);
    });
    // The process's first state is no change of one, so its own `state` events never say it: said here, for every
    // fork, so that a tool learns the pid of a process that may never become ready.
    this.#emit({ type: 'worker', instance, pid, state: 'starting' });
    return worker;
  }

  // Whether the exit is the slot's process ending on its own, which the restart rules answer.
  #isCrash(slot: Slot, worker: WorkerProcess, exit: WorkerExit): boolean {
    if (slot.worker !== worker || exit.expected || this.#stopping || slot.removed) return false;
    // A scale's new process that never became ready fails the scale, which removes its slot: no restart to announce.
    if (slot.adding && worker.readyAt === undefined) return false;
    // During start() a crash of a worker that never became ready fails the start instead: the run cannot go on. One
    // that was ready has already counted for start(), so its slot restarts as at any other time.
    return !(this.#state === 'starting' && worker.readyAt === undefined);
  }

  #onExit(slot: Slot, worker: WorkerProcess, exit: WorkerExit, noRestart: NoRestartReason | undefined): void {
    const crash = this.#isCrash(slot, worker, exit);
    if (slot.worker === worker) slot.worker = undefined;
    if (!crash) return;
    if (noRestart) {
      // PM2's autorestart: false and stop_exit_codes: the slot stays empty until a reload (or scale) fills it.
      this.#lastExit = { instance: slot.instance, pid: worker.pid, code: exit.code, signal: exit.signal };
      this.#maybeEnd();
      return;
    }
    if (slot.memoryReplaced === worker && slot.incoming) {
      // Its memory replacement is starting, and its `memory-limit` event counted this restart: no second one, and
      // nothing charged to the crash loop. #restartNow awaits the replacement, which takes the slot once ready; a
      // failed one is followed by a fork, that same restart.
      this.#restartLater(slot, 0);
      return;
    }
    if (exit.retiredBy !== undefined) {
      // Whoever sent the signal asked for this exit: restarted at once, as a manual restart would be, and neither
      // charged to the slot's crash-loop count nor counted as a restart (countsAsRestart).
      this.#emit({ type: 'restart', instance: slot.instance, attempt: 0, delay: 0, retiredBy: exit.retiredBy });
      this.#restartLater(slot, 0);
      return;
    }
    this.#crashed(slot, upFor(worker), exit, worker.stderrTail);
  }

  // A crash of the slot's process (or a fork of it that threw): restarted with backoff, or the slot is errored.
  #crashed(
    slot: Slot,
    uptime: number,
    exit: Pick<WorkerExit, 'code' | 'signal' | 'spawnError' | 'notReady' | 'oomKilled'>,
    stderrTail: string[],
  ) {
    const decision = slot.policy.onCrash(uptime);
    if (decision.action === 'errored') {
      slot.errored = true;
      const { code, signal, spawnError, notReady, oomKilled } = exit;
      this.#emit({
        type: 'errored',
        instance: slot.instance,
        code,
        signal,
        stderrTail: [...stderrTail],
        ...(spawnError !== undefined ? { spawnError } : {}),
        ...(notReady !== undefined ? { notReady } : {}),
        ...(oomKilled ? { oomKilled } : {}),
      });
      this.#refreshState();
      return;
    }
    this.#emit({ type: 'restart', instance: slot.instance, attempt: decision.attempt, delay: decision.delay });
    this.#restartLater(slot, decision.delay);
  }

  #restartLater(slot: Slot, delay: number): void {
    const timer = setTimeout(() => this.#restartNow(slot, timer), delay);
    slot.restartTimer = timer;
  }

  // A reload's or memory replacement's process already starting for the slot is awaited, as a handover's fork awaits
  // it (#forkHandOver): ready, it takes the slot (#replace clears the timer); failed, the restart goes on. Forked
  // beside it, the restart put a second process of the instance up at once (its start work done twice), which the
  // replacement then retired, often before it was ready (a "did not become ready" warning after a reload that
  // succeeded). The slot reads `restarting` meanwhile: its timer is kept until the restart is done with.
  #restartNow(slot: Slot, timer: NodeJS.Timeout): void {
    if (slot.restartTimer !== timer) return;
    if (slot.incoming && !this.#stopping && !slot.removed) {
      // Settled after #replace's own wait on it (registered first), which has swapped the slot's process if it could.
      const retry = () => this.#restartNow(slot, timer);
      slot.incoming.whenReady().then(retry, retry);
      return;
    }
    slot.restartTimer = undefined;
    if (this.#stopping || slot.removed || slot.worker) return;
    this.#forkInSlot(slot);
  }

  // The slot's next process, its own at once: its exit, ready or not, is the slot's, under the restart rules.
  #forkInSlot(slot: Slot): WorkerProcess | undefined {
    let replacement: WorkerProcess;
    try {
      replacement = this.#fork(slot, slot.env);
    } catch (error) {
      // Node throws, rather than emits, the spawn errors it does not expect at run time (ENOMEM, E2BIG): from a restart
      // timer that would end the primary. A failed start of the slot, as one that emits its error (WorkerExit.spawnError).
      const spawnError = (error as Error).message;
      this.#emit({ type: 'warning', message: `worker ${slot.instance} could not be started (${spawnError})` });
      // A handover's draining process still holds the slot: its exit restarts it.
      if (slot.worker === undefined) this.#crashed(slot, 0, { code: null, signal: null, spawnError }, []);
      return undefined;
    }
    slot.worker = replacement;
    // Not ready in time counts as one more crash of the slot.
    replacement.whenReady().catch((error: Error) => {
      // Unless the primary retired it while it started (a reload or scale that replaced or removed it, a stop): its
      // exit is then the retirement's, not a failed start to warn of (the listen timeout still bounds it).
      // One that could not be started at all: its exit says so (spawnError).
      if (!replacement.retiring && replacement.spawned) this.#emit({ type: 'warning', message: error.message });
      replacement.kill(false, error instanceof WorkerNotReadyError ? error.reason : undefined);
    });
    return replacement;
  }

  /**
   * A process said it drains on a SIGTERM of its own. When its clean exit would restart the slot at once (a retirement,
   * see #onExit), the process keeps serving (its drain held), the slot's replacement is forked in its place after
   * HANDOVER_FORK_DELAY_MS (#forkHandOver), and the process drains once that one is ready or has failed: the port is
   * never left without a listening process (with `-i 1` it would refuse clients until the restarted one listened), nor
   * a slot's capacity gone for the drain. Its exit then starts nothing: the slot has its process (see #isCrash).
   * Otherwise it drains now, and its exit goes through #onExit.
   */
  #handOver(slot: Slot, worker: WorkerProcess): void {
    const clean: WorkerExit = { code: 0, signal: null, expected: false, killed: false };
    if (!this.#isCrash(slot, worker, clean) || upFor(worker) < this.options.minUptime) return;
    if (noRestartReason(this.options, 0) !== undefined) return;
    worker.holdDrain();
    slot.handOverTimer = setTimeout(() => {
      slot.handOverTimer = undefined;
      this.#forkHandOver(slot, worker);
    }, handoverForkDelay());
  }

  // The replacement of a process held draining by #handOver, unless what began in the wait has dealt with it: a stop,
  // scale down or reload retires it (its shutdown sent), and its exit clears the timer. A reload's or memory
  // replacement's process already starting for the slot is awaited: ready, it takes the slot and retires this one;
  // failed, the handover goes on.
  #forkHandOver(slot: Slot, worker: WorkerProcess): void {
    if (this.#stopping || slot.removed || slot.worker !== worker || worker.state === 'stopped') return;
    if (slot.incoming) {
      // Settled after #replace's own wait on it (registered first), which has swapped the slot's process if it could.
      const retry = () => this.#forkHandOver(slot, worker);
      slot.incoming.whenReady().then(retry, retry);
      return;
    }
    // A retirement's restart: asked for, not a crash (attempt 0, not counted in restarts), said before its exit.
    this.#emit({ type: 'restart', instance: slot.instance, attempt: 0, delay: 0, retiredBy: 'SIGTERM' });
    slot.handedOver = worker;
    const release = () => worker.releaseDrain();
    const replacement = this.#forkInSlot(slot);
    if (replacement) replacement.whenReady().then(release, release);
    else release();
  }

  // The runtime preloaded before the app (and tsx for TypeScript), then the app's own Node.js arguments, then what the
  // permission model (turned on by those or by the process's NODE_OPTIONS) needs to let the preload load.
  #execArgv(nodeArgs: readonly string[], nodeOptions: string | undefined): string[] {
    const execArgv = ['--import', runtimeEntry];
    if (this.options.typescript) execArgv.push('--import', import.meta.resolve('tsx'));
    return [...execArgv, ...nodeArgs, ...permissionGrants(nodeArgs, nodeOptions)];
  }

  /**
   * Forks the slot's replacement (in `base`, with `command` and `timing`, held to `memoryLimit`) and swaps it in once
   * ready; `retired` settles when the old worker has exited, retired under `timing`'s killTimeout.
   */
  async #replace(
    slot: Slot,
    base: Record<string, string | undefined> | undefined,
    // An object, not defaulted parameters: a reload's limit of none (undefined) would take the slot's.
    { command, memoryLimit, timing }: Pick<Slot, 'command' | 'memoryLimit' | 'timing'> = slot,
  ): Promise<{ retired: Promise<unknown>; oldPid: number | null; newPid: number }> {
    const replacement = this.#fork(slot, base, command, timing);
    slot.incoming = replacement;
    try {
      await replacement.whenReady();
    } catch (error) {
      // Gone before the abort is said: a replacement that listened (its pool then failed to load) is in the port's
      // round robin until the primary has seen it exit, and a client that came right after the abort was handed to
      // it and reset.
      replacement.kill();
      await replacement.exited;
      throw new ReloadAbortedError(slot.instance, error);
    } finally {
      if (slot.incoming === replacement) slot.incoming = undefined;
    }
    if (this.#stopping || slot.removed) {
      await replacement.retire();
      throw new SupervisorStoppedError('replace a worker');
    }
    const old = slot.worker;
    clearTimeout(slot.restartTimer);
    slot.restartTimer = undefined;
    slot.worker = replacement;
    slot.env = base;
    slot.command = command;
    slot.memoryLimit = memoryLimit;
    slot.timing = timing;
    this.#watchMemory();
    slot.errored = false;
    slot.policy.reset();
    return {
      retired: this.#retireSlot(slot, old, timing.killTimeout),
      oldPid: old?.pid ?? null,
      newPid: replacement.pid,
    };
  }

  #removeSlot(slot: Slot): Promise<unknown> {
    slot.removed = true;
    clearTimeout(slot.restartTimer);
    return this.#retireSlot(slot, slot.worker);
  }

  // Retires the slot's (former) process, and the one still draining on a SIGTERM of its own beside it (#handOver): a
  // reload, scale or memory replacement awaits both, as their slot's leaving processes.
  // `killTimeout`: a reload's new one, which the processes it retires drain under (undefined: their own).
  #retireSlot(slot: Slot, worker: WorkerProcess | undefined, killTimeout?: number): Promise<unknown> {
    // A process still waiting for its handover's fork is the slot's: retired here, it needs no replacement.
    clearTimeout(slot.handOverTimer);
    slot.handOverTimer = undefined;
    const leaving = [worker, slot.handedOver].filter((one) => one !== undefined);
    return Promise.all(leaving.map((one) => one.retire(undefined, killTimeout)));
  }

  // A worker reports its memory from its own event loop: one blocked after allocating (a runaway loop) never reports
  // again, and PM2, which reads its processes' memory from outside, would still replace it. So the primary reads each
  // ready worker's RSS from /proc as often as the workers report, and applies the same limit.
  #watchMemory(): void {
    const { memoryReportInterval } = this.options;
    if (memoryReportInterval === 0 || this.#memoryWatch || !this.#anyMemoryLimit()) return;
    this.#memoryWatch = setInterval(() => {
      for (const slot of this.#slots) {
        const { worker } = slot;
        if (worker?.state !== 'ready' || slot.memoryLimit === undefined) continue;
        const rss = residentBytes(worker.pid);
        if (rss !== undefined) this.#checkMemory(slot, worker, rss);
      }
    }, memoryReportInterval).unref();
  }

  // Whether the app or one of its processes has a limit: the /proc reading runs only then.
  #anyMemoryLimit(): boolean {
    return this.#maxMemoryRestart !== undefined || this.#slots.some((slot) => slot.memoryLimit !== undefined);
  }

  // A reload's new limit (or none), once every slot runs under it: the /proc reading stops with the last limit (the
  // workers' reports go on regardless, for the unresponsive mark).
  #setMemoryLimit(limit: number | undefined): void {
    this.#maxMemoryRestart = limit;
    if (!this.#anyMemoryLimit()) {
      clearInterval(this.#memoryWatch);
      this.#memoryWatch = undefined;
    }
    if (limit === undefined) return;
    const warning = memoryLimitWarning(limit, { processes: this.size });
    if (warning !== undefined) this.#emit({ type: 'warning', message: warning });
  }

  #checkMemory(slot: Slot, worker: WorkerProcess, rss: number): void {
    const limit = slot.memoryLimit;
    if (limit === undefined || slot.worker !== worker || worker.state !== 'ready') return;
    const verdict = slot.memoryStreak.check(worker, { instance: slot.instance, pid: worker.pid }, rss, limit);
    if (verdict.warning !== undefined) this.#emit({ type: 'warning', message: verdict.warning });
    if (!verdict.replace || slot.replacing || this.#stopping) return;
    slot.replacing = true;
    this.#serial(async () => {
      // Cleared inside the task: the check for an app whose every slot is left down runs right after it, and must
      // not find this slot still being replaced (the old process may have exited for good meanwhile).
      try {
        if (slot.worker !== worker || worker.state !== 'ready' || this.#stopping) return;
        // Said only now, as the replacement starts: the event counts as a restart of the slot, and a process that
        // crashed, or was reloaded or scaled away, while the task waited its turn is not replaced by it.
        this.#emit({ type: 'memory-limit', instance: slot.instance, pid: worker.pid, rss, limit });
        slot.memoryReplaced = worker;
        await (await this.#replace(slot, slot.env)).retired;
      } catch (error) {
        // A failed replacement leaves the old process serving, over the limit: the next try waits, as a crash's would.
        if (error instanceof ReloadAbortedError) slot.memoryStreak.failed();
        throw error;
      } finally {
        slot.memoryReplaced = undefined;
        slot.replacing = false;
      }
    }).catch((error: Error) => {
      this.#emit({ type: 'warning', message: `memory replacement of worker ${slot.instance}: ${error.message}` });
    });
  }

  // An app server listens on the sticky port: the router binds it at the first such listen, on the host that one gave
  // (the app's 127.0.0.1 stays private), and the app's server listens once the answer arrives.
  #stickyListen(worker: WorkerProcess, id: number, host: string | null, ipv6Only: boolean): void {
    if (this.#router === undefined) return;
    this.#router.listen(this.options.port!, host ?? undefined, ipv6Only).then(
      ({ address, family, port }) => {
        worker.send({ hive: 1, type: 'sticky-listening', id, address: { address, family, port } });
      },
      (error: NodeJS.ErrnoException) => {
        // A stop closed the router: the worker is being retired, and the error would only crash it on its way out.
        if (this.#stopping !== undefined) return;
        const answer = { code: error.code ?? 'EINVAL', message: error.message };
        worker.send({ hive: 1, type: 'sticky-listening', id, error: answer });
      },
    );
  }

  // `reuseport`: the first listen on a host and port binds it plainly first, which fails where another program holds
  // it (its own SO_REUSEPORT group would have taken this app's sockets in, sharing its clients without a word). Once
  // clear, the app's own sockets hold the port and later listens there (restarts, a reload) bind at once.
  #reusePortListen(worker: WorkerProcess, id: number, host: string | null, port: number): void {
    const key = `${host ?? ''} ${port}`;
    let claim = this.#reusePortClaims.get(key);
    if (claim === undefined) {
      claim = probePort(port, host ?? undefined);
      this.#reusePortClaims.set(key, claim);
      claim.catch(() => this.#reusePortClaims.delete(key));
    }
    claim.then(
      () => worker.send({ hive: 1, type: 'reuseport-clear', id }),
      (error: NodeJS.ErrnoException) => {
        const refusal = { code: error.code ?? 'EINVAL', message: error.message };
        worker.send({ hive: 1, type: 'reuseport-clear', id, error: refusal });
      },
    );
  }

  // Sticky cookie mode: the worker of the slot a client's pin cookie names, if that slot exists and is ready.
  #readyOf(instance: number): WorkerProcess | undefined {
    const worker = this.#slots.find((slot) => slot.instance === instance)?.worker;
    return worker !== undefined && usable(worker) ? worker : undefined;
  }

  // Sticky routing: the hashed slot's worker if ready, else the next ready one.
  #pickReady(hash: number): WorkerProcess | undefined {
    const slots = this.#slots;
    const ready = (position: number) => {
      const worker = slots[position]?.worker;
      return worker !== undefined && usable(worker);
    };
    // Weighed by instance number, not array index: the index of a live slot shifts when a scale removes or refills
    // a lower instance, and its clients would move with it.
    const position = stickySlot(
      hash,
      slots.map((slot) => slot.instance),
      ready,
    );
    return position === undefined ? undefined : slots[position]!.worker;
  }

  #broadcastSize(): void {
    const size = this.#slots.length;
    for (const worker of this.#live) worker.send({ hive: 1, type: 'cluster-size', size });
  }

  // Topology changes (reload, scale, memory replacement) run one at a time.
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      this.#busy += 1;
      this.#endedSaid = false;
      try {
        return await task();
      } finally {
        this.#busy -= 1;
      }
    });
    // A slot left down during a change counts once the change is over: a reload may have filled it again.
    this.#queue = run.catch(() => {}).then(() => this.#maybeEnd());
    return run;
  }

  /**
   * Stops the app once every slot is empty for good (each process exited and was left down by autorestart or
   * stopExitCodes): nothing would ever run again. A slot waiting for a restart, being replaced or errored keeps it up
   * (a reload revives an errored one). Under start({ keepEnded }) it says so instead, the app left for a reload.
   */
  #maybeEnd(): void {
    if (this.#stopping || this.#state === 'starting') return;
    const lastExit = this.#endedBy();
    if (!lastExit) return;
    if (this.#keepEnded) {
      // Said once: the start and each change end with a check here, and the start's comes twice.
      if (!this.#endedSaid) this.#emit({ type: 'ended', lastExit });
      this.#endedSaid = true;
      return;
    }
    this.#ended = lastExit;
    void this.stop();
  }

  // The last exit, once the app has ended by itself: no change running and every slot's process exited and was left
  // down. Undefined while anything runs or may run again.
  #endedBy(): LastExit | undefined {
    if (this.#busy > 0 || this.#slots.length === 0) return undefined;
    return this.#slots.every((slot) => this.#isDown(slot)) ? this.#lastExit : undefined;
  }

  // A slot whose process exited and was left down (autorestart, stopExitCodes): nothing runs in it until a reload.
  #isDown(slot: Slot): boolean {
    return !slot.worker && !slot.restartTimer && !slot.replacing && !slot.errored;
  }

  // How far the slot is from serving, for a scale down (scaleDownOrder). A process draining on a SIGTERM of its own
  // serves until its replacement is ready (#handOver).
  #standing(slot: Slot): SlotStanding {
    if (this.#isDown(slot)) return 'down';
    if (slot.errored) return 'errored';
    if (!slot.worker) return 'restarting';
    return slot.worker.state === 'ready' || slot.handedOver?.state === 'ready' ? 'serving' : 'starting';
  }

  // lastExit tells of a slot left down: once a reload or scale has filled or removed every such slot, it is stale.
  #forgetLastExit(): void {
    if (!this.#slots.some((slot) => this.#isDown(slot))) this.#lastExit = undefined;
  }

  #refreshState(): void {
    if (this.#stopping) return;
    if (this.#slots.some((slot) => slot.errored)) this.#setState('errored');
    else this.#setState(this.#reloading ? 'reloading' : 'online');
  }

  #setState(state: AppState, lastExit?: LastExit): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit({ type: 'state', state, ...(lastExit ? { lastExit } : {}) });
  }

  #emit(event: SupervisorEvent): void {
    debug('cluster %s %j', this.options.name, event);
    // Emitted from inside the worker states, a reload's steps and the app's state: a listener's throw must not leave a
    // start or reload unsettled, or the app's state half-changed (it surfaces as an uncaught exception just after).
    emitApart(() => this.emit('event', event));
    if (eventChannel.hasSubscribers) eventChannel.publish(event);
  }
}

const reloadKeys: ReadonlySet<string> = new Set([
  'onStart',
  'onReplaced',
  'env',
  'args',
  'nodeArgs',
  'maxMemoryRestart',
  'listenTimeout',
  'killTimeout',
]);

// Checked before the reload is queued, as its environment is: a misspelt `evn` would reload without the new one.
function checkReloadOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`Expected reload options to be an object, got ${describeValue(options)}`);
  }
  assertKnownKeys(options, reloadKeys, 'reload');
  for (const key of ['onStart', 'onReplaced'] as const) {
    const callback = (options as Record<string, unknown>)[key];
    if (callback !== undefined && typeof callback !== 'function') {
      throw new InvalidArgumentError(`Expected reload \`${key}\` to be a function, got ${describeValue(callback)}`);
    }
  }
}

// A reload's new `args` or `nodeArgs`, checked before the reload is queued, as its `env` is.
function reloadList(value: unknown, key: 'args' | 'nodeArgs'): string[] {
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(`Expected reload \`${key}\` to be an array of strings, got ${describeValue(value)}`);
  }
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string') {
      throw new InvalidArgumentError(`Expected reload \`${key}[${index}]\` to be a string, got ${describeValue(item)}`);
    }
  });
  return [...(value as string[])];
}

// A reload's new `maxMemoryRestart` in bytes (null: none; undefined: unchanged), checked before the reload is queued as
// the constructor checks it (options.ts): a size, and memory reports to read it against.
function reloadMemoryLimit(value: unknown, memoryReportInterval: number): number | null | undefined {
  if (value === undefined || value === null) return value;
  const limit = parseSize(value, 'maxMemoryRestart');
  assertMemoryReports(limit, memoryReportInterval);
  return limit;
}

// A reload's new `listenTimeout` or `killTimeout` in ms (null: the default; undefined: unchanged), checked before the
// reload is queued as the constructor checks it (options.ts).
function reloadTimeout(value: unknown, key: 'listenTimeout' | 'killTimeout'): number | undefined {
  if (value === undefined) return undefined;
  return key === 'listenTimeout' ? parseListenTimeout(value ?? undefined) : parseKillTimeout(value ?? undefined);
}

// As the constructor's nodeArgs (option-checks.ts clusterNodeArgs): no --watch, whose child is no cluster worker.
function reloadNodeArgs(value: unknown): string[] {
  return clusterNodeArgs(reloadList(value, 'nodeArgs'));
}

function copyCounts(counts: RestartCounts): RestartCounts {
  return { slots: new Map(counts.slots), primary: counts.primary };
}

// A reload's new environment, checked before the reload is queued (a bad value would otherwise fail a fork midway).

// cluster.fork(env) lays env over the primary's process.env, which still holds the environment the primary started
// with: a variable missing from a reload's new environment would live on in the workers. child_process leaves out
// variables whose value is undefined (node's test-child-process-env checks it), so each such one is set so.
function unsetStaleEnv(base: Record<string, string | undefined> | undefined): Record<string, undefined> {
  const stale: Record<string, undefined> = {};
  if (base === undefined) return stale;
  for (const key of Object.keys(process.env)) if (!Object.hasOwn(base, key)) stale[key] = undefined;
  return stale;
}

/**
 * PM2's `instance_var` and `increment_var`, as a config file (or `-e`) hands them down in the app's environment:
 * `instance_var` names the variable holding the instance number in place of NODE_APP_INSTANCE, as in PM2 (where it
 * is that variable's name: node-config, say, then no longer loads a `default-<n>.json` per instance); HIVE_INSTANCE
 * stays. `increment_var` adds the instance number to a variable (PM2 reads a missing or non-numeric base as 0). By
 * slot, so a restart or reload of a slot keeps its values.
 */
function setInstanceVars(env: Record<string, string | undefined>, instance: number): void {
  // cluster.fork() lays `env` over the primary's own environment: a key absent here (not unset) is read from there.
  Object.assign(
    env,
    instanceVars((name) => (name in env ? env[name] : process.env[name]), instance),
  );
}

// How long a process served: from ready until it exited, or until it said it drains on a SIGTERM of its own (a drain,
// bounded by killTimeout, is not uptime: with it, a process that SIGTERMs itself at boot and hangs in its drain would
// look stable to minUptime). 0 for one never ready.
function upFor(worker: WorkerProcess): number {
  if (worker.readyAt === undefined) return 0;
  return (worker.drainingAt ?? Date.now()) - worker.readyAt;
}

// A worker the sticky router may hand a connection to. A crashed worker stays 'ready' until its exit is seen, but its
// channel is closed already: it is skipped.
function usable(worker: WorkerProcess): boolean {
  return worker.state === 'ready' && worker.connected;
}
