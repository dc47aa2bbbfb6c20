import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Cron } from 'croner';
import { resolveInstances } from '../cluster/instances.js';
import { splitLines } from '../cluster/line-splitter.js';
import { formatEvent, OOM_KILLED } from '../cluster/log-format.js';
import { isStopped, startTimeOf } from '../cluster/proc-stat.js';
import { RestartPolicy, type RestartPolicyOptions } from '../cluster/restart-policy.js';
import type { SupervisorEvent } from '../cluster/supervisor.js';
import { parseSize } from '../cluster/units.js';
import { markText } from '../cluster/unresponsive-text.js';
import { crashHeadline, isNotKeptLine, lastErrorLine, summarizeCrash } from '../crash-summary.js';
import { countsAsRestart } from '../metrics/aggregator.js';
import type { SentMetric } from '../metrics/app-metrics.js';
import type { KnownApp } from '../metrics/known-app-metrics.js';
import {
  type AppEvent,
  type AppSnapshot,
  eventMark,
  type InstanceSnapshot,
  type SlotExit,
  slotExitOf,
} from '../metrics/snapshot.js';
import { ENV } from '../runtime/protocol.js';
import { appEnvironment, checkAppInstanceVars, checkAppPoolThreads, hasOwnEnv } from './app-environment.js';
import { AppLogs } from './app-logs.js';
import { DEFAULT_NAMESPACE } from './app-name.js';
import {
  type AppOrigin,
  changedSettings,
  DAEMON_SETTINGS,
  type DaemonSettings,
  keptOptionsWarning,
  keptScriptWarning,
  notAppliedWarning,
  originWarning,
  WATCH_SETTINGS,
} from './app-origin.js';
import { isAppProcessPid } from './app-process-pid.js';
import { appSettings } from './app-settings.js';
import { controlTimeout } from './control-timeout.js';
import {
  AppExistsError,
  AppNotFoundError,
  AppOperationError,
  AppReloadAbortedError,
  PrimaryUnresponsiveError,
} from './errors.js';
import { FileWatcher, inHiveHome } from './file-watcher.js';
import { forkArgv, forkWithRunArgs } from './fork-argv.js';
import { FORK_SPAWN_FAILED } from './fork-exit.js';
import { forkNodeScript, withDaemonNode } from './fork-node.js';
import type { ForkOptions } from './fork-primary.js';
import { forkReadyOptions } from './fork-ready-options.js';
import { forkRestartPolicy } from './fork-restart-policy.js';
import { killTree } from './kill-tree.js';
import { endLeftoverGroup, endLeftoverWorkers, type RecordedProcess, signalEach } from './leftover-workers.js';
import { hivePaths } from './paths.js';
import { markedPrimaryEnv } from './primary-app-id.js';
import { primaryOwnEnv } from './primary-node-options.js';
import { primarySpawnError } from './primary-spawn-error.js';
import { PrimaryWatch } from './primary-watch.js';
import type { ProcStats } from './proc-stats.js';
import type { AppInfo, AppSpec, IdleSlot, ListenAddress, ProcessInfo, ReloadProgress, ReloadSlot } from './protocol.js';
import {
  ARGUMENT_KEYS,
  appliedRunArgs,
  RELOAD_COMMAND_KEYS,
  RELOAD_COMMAND_OPTIONS,
  type ReloadCommand,
  type ReloadCommandKey,
  reloadCommand,
} from './reload-command.js';
import { ownRunArgs, ownRunArgsJoined, runArgDuration, runArgFlag, treekillOf } from './run-arg-flag.js';
import { changedCount, parseScaleCount } from './scale-count.js';
import { SlotCpuTotals } from './slot-cpu-totals.js';
import { killTimeoutOf, stopTimeout } from './stop-timeout.js';

// A primary cuts an app's line at 64 Ki characters (cluster/line-splitter.ts), and its JSON record of that piece is
// longer still: an envelope, and escapes of up to 6 characters per character (`\u0000`). Reading the records with the
// app-side bound would cut a long line's record in two, and both halves would land in the log file as raw JSON text.
// This bound holds any record a primary writes, and still keeps a runaway primary from growing the daemon's memory.
const MAX_RECORD = 1024 * 1024;

// fileURLToPath: a URL's pathname keeps an install path's spaces and non-ASCII letters %-encoded.
const hiveEntry = fileURLToPath(new URL('../cli/hive.js', import.meta.url));
const forkEntry = fileURLToPath(new URL('./fork-primary.js', import.meta.url));
// The fork-mode primary relays its app's lines, and all it allocates for them is garbage within a turn: a small young
// generation keeps its memory small under a flood (Node 24's default young generation alone took it near 300 MiB).
// Only that primary: a cluster-mode one would hand its flags down to the app's workers.
const FORK_PRIMARY_FLAGS = ['--max-semi-space-size=4'];
// How a primary that dies is respawned: the worker's restart policy (cluster/restart-policy.ts), so that its backoff
// starts over only after BACKOFF_RESET_UPTIME (30 s, PM2's) up, as a worker's does; one that died every few seconds was
// respawned after 100 ms forever. A primary that dies before 5 s up counts as a crash in a row; after 10 respawns in a
// row (the first for the crash that began it, however long that primary was up), the next such crash errs the app.
const PRIMARY_RESPAWN: RestartPolicyOptions = {
  restartDelay: 0,
  expBackoffRestartDelay: 100,
  maxRestartDelay: 15_000,
  maxRestarts: 10,
  minUptime: 5_000,
};
// The first delay before a resurrect tries a failed start again, unless the app sets its own restart delays: at boot,
// what the app waits for (a database, a network mount) takes seconds to come up, and its 10 tries then span about 80 s
// (x1.5 per try, up to 15 s apart) rather than the 11 s of a crash restart's 100 ms.
const START_RETRY_DELAY = 1_000;
// A primary busy beyond this (a blocked event loop, a stop in progress) gets its app shown from what the daemon knows.
const SNAPSHOT_TIMEOUT = 1_000;
// A scrape of the daemon's metrics endpoint waits this long at most for a primary's exposition (which itself waits up
// to a second for the workers' own prom-client metrics).
const PROMETHEUS_TIMEOUT = 2_000;
// How long a stopping cluster primary may take to answer before it counts as frozen (at least its killTimeout).
const UNANSWERED_GRACE = 10_000;
// The requests a primary answers on its stdout, behind the events they follow (cli/run-control.ts, fork-primary.ts).
const ANSWERED_ON_STDOUT = new Set(['reload', 'scale']);
// Events kept for the snapshot of an app the daemon shows itself (fork mode, or a primary that does not answer).
const MAX_EVENTS = 100;
// Lines of a primary's last error kept for `hive start`'s message: its own line and the report it quotes.
const MAX_ERROR_LINES = 40;

// Events worth a daemon.log line (worker state changes are many, and a newer primary may send types unknown here).
const loggedEvents = new Set([
  'state',
  'exit',
  'restart',
  'errored',
  'reload',
  'scale',
  'memory-limit',
  'killed',
  'unresponsive',
  'warning',
]);

interface Worker {
  instance: number;
  state: string;
  since: number;
  /** Its start time in /proc, when it was first reported: which process the pid is (see #onExit). */
  startTime: string | undefined;
  /** The primary marked it unresponsive (its reports stopped: a blocked event loop), and has not cleared it. */
  unresponsive: boolean;
  /** Where its app server listens, as its primary reported on `ready`. */
  listen: ListenAddress | null;
}

// Marked only while ready: a draining process's reports may stop for its drain, and the mark would outlive the slot's
// replacement (no clear comes once it leaves `ready`). The same rule as Supervisor's `workers`.
const hung = (worker: Worker): boolean => worker.state === 'ready' && worker.unresponsive;

/** A primary's answer to a control request (`control-result`, `snapshot-result`). */
interface ControlReply {
  ok: boolean;
  message?: string;
  /** The primary's error code of a failed request (ERR_HIVE_RELOAD_ABORTED). */
  code?: string;
  size?: number;
  slots?: ReloadSlot[];
  /**
   * A reload's new options the primary applied (`args`, `nodeArgs`, `maxMemoryRestart`, `killTimeout`,
   * `listenTimeout`); an older primary's answer has none, or lacks the fields it does not know.
   */
  applied?: string[];
  snapshot?: AppSnapshot | null;
  /** A `prometheus-result`'s families, NaN and ±Infinity as strings. */
  metrics?: SentMetric[];
  /** No answer came within the request's timeout: the primary is alive but does not answer. */
  timedOut?: boolean;
}

/**
 * What an app gives the daemon's metrics endpoint: its primary's families (`asked`), the daemon's own view of it
 * (`known`: fork mode, or no primary up), or why its primary's are not in this scrape (`error`: it did not answer),
 * with the daemon's view, of which the endpoint shows the app's gauges once the primary is really not answering
 * (`stopped`: its /proc state is stopped, SIGSTOP or a tracer; `unresponsive`: it leaves the daemon's ping unanswered,
 * see primary-watch.ts; or several scrapes in a row failed).
 */
export type AppExposition =
  | { app: string; asked: SentMetric[] }
  | { app: string; known: KnownApp }
  | { app: string; error: string; stopped: boolean; unresponsive?: boolean; known: KnownApp };

type Status = AppInfo['status'];

/** The environments a reload gives an app's processes (see ManagedApp#reload); absent: the ones it has. */
export interface ReloadEnvs {
  shellEnv?: Record<string, string> | undefined;
  env?: Record<string, string> | undefined;
  /** The config file's app this reload is for: the app's origin from now on (see originWarning). */
  origin?: AppOrigin | undefined;
  /**
   * Told when the file takes the app over from another, or names a script or options the reload keeps not (see
   * app-origin.ts).
   */
  warn?: ((message: string) => void) | undefined;
  /** The script's and Node.js's new arguments and memory limit of origin's file (reload-command.ts), set by reload(). */
  command?: ReloadCommand | undefined;
}

/**
 * What a reload changes of the spec once it took: its environments, and a config file's new args, node_args,
 * max_memory_restart and timeouts (a fork-mode app's kill timeout is a field of its own).
 */
type PendingSpec = Partial<Pick<AppSpec, 'shellEnv' | 'env' | 'runArgs' | 'fork' | 'killTimeout'>>;

/** How a start meets an app of that name (see ManagedApp#startWith). */
export interface StartHow {
  replace?: boolean;
  updateEnv?: boolean;
  /** A start that fails is tried again in the background (a resurrect's, see ManagedApp#start). */
  retry?: boolean;
  /**
   * Told when a config file's start takes the app over from another file (see originWarning), and of what its primary
   * warns of until its workers are ready (a --kill-timeout its drain can use up, a memory limit).
   */
  warn?: ((message: string) => void) | undefined;
}

/**
 * One app under the daemon: its `hive run` primary (forked with IPC for reload and scale), its log files, its
 * workers as the primary reports them (JSON events on stdout), and the respawn of a primary that dies.
 */
export class ManagedApp {
  readonly id: number;
  spec: AppSpec;
  #logsDir: string;
  #logs: AppLogs;
  #log: (line: string) => void;
  #primary: ChildProcess | undefined;
  // Pings the current primary once it has spoken (see #watchPrimary); its mark is `ls`'s `primary unresponsive`.
  #watch: PrimaryWatch | undefined;
  // The last snapshot a primary gave, and when: what the live views show of it once it is marked unresponsive.
  #lastSnapshot: { primary: ChildProcess; snapshot: AppSnapshot; at: number } | undefined;
  readonly #appMetrics: boolean;
  #startedAt = 0;
  // Whether the current primary got all its workers ready once (a stop during a failed start is not 'online').
  #wasOnline = false;
  // The current primary said its app stopped by itself: every process exited and none is restarted (PM2's
  // autorestart: false, stop_exit_codes).
  #ended = false;
  #status: Status = 'stopped';
  #wanted: 'online' | 'stopped' = 'stopped';
  // Stopped by a stop request, not by a crash loop, a job's end or the daemon's shutdown (see savedStatus).
  #stoppedByUser = false;
  #workers = new Map<number, Worker>();
  // Slots with no live process, by instance: waiting for a crash restart, or crash-looped (listed by describe and the
  // live views as PM2 lists an errored process); forgotten once a process runs in the slot or a scale removes it.
  #downSlots = new Map<number, 'restarting' | 'errored'>();
  // How each slot's last process ended.
  #slotExits = new Map<number, SlotExit>();
  // The slots that crash-looped since the primary started, named by the last error.
  #erroredSlots = new Set<number>();
  #size = 0;
  #restarts = 0;
  // The part of #restarts that are respawns of the primary.
  #primaryRestarts = 0;
  // The current primary was sent the counts (#sendCounts).
  #countsSent = false;
  readonly #respawnPolicy = new RestartPolicy(PRIMARY_RESPAWN);
  // Set by a start that retries (a resurrect's) until the app is online once: how its failed starts are tried again.
  #startRetry: RestartPolicy | undefined;
  // The `warn` of the start under way (a `start` request's: the CLI's stderr), told the primary's warnings until its
  // workers are ready: a --kill-timeout or memory limit it warns of at start reached daemon.log only.
  #startWarn: ((message: string) => void) | undefined;
  #respawnTimer: NodeJS.Timeout | undefined;
  // The current primary was forked by the respawn timer, not for a command that waits for its start to answer.
  #respawning = false;
  #exited: Promise<void> = Promise.resolve();
  // The end of the workers the last primary left behind (#onExit): the next primary is forked after it.
  #leftovers: Promise<void> = Promise.resolve();
  #stderrTail: string[] = [];
  // The primary's last error as it printed it: its first line (unindented: `hive run: ERR_...: ...`) and what it
  // quotes below, indented (a process's crash report). The tail alone can start mid-report, or be only its footer.
  #primaryError: string[] = [];
  // The primary's stderr is within the lines such an error quotes of a process's stderr.
  #quoting = false;
  // The app's last stderr lines as the primary sent them: a line such an error quotes is in the error log already when
  // it is among them, and missing from it when the primary's bound dropped it.
  #appStderr: string[] = [];
  // Quoted lines not among #appStderr when they came: the app's own may still be on their way, on the other pipe
  // (behind a stdout flood, the quote on stderr comes first). Written once the primary's pipes are read (#writeQuoted).
  #quoted: string[] = [];
  #lastError: string | null = null;
  // #lastError is the last reload's failure (#reloadFailed): the old processes serve the code they loaded, not the
  // files' now. A reload that succeeds (the primary's `reload done`, even of one the daemon stopped waiting for), or the
  // primary's exit (a stop, restart or delete: the next primary loads the files), clears it; any other error replaces
  // it.
  #reloadFailed = false;
  #metricsUrl: string | null = null;
  #events: AppEvent[] = [];
  // Restarts per slot ({@link countsAsRestart}), as the primary's events report them.
  #slotRestarts = new Map<number, number>();
  // The same counts, and the primary's respawns, that `hive reset` leaves: Prometheus's hive_restarts_total must go on
  // from them in the next primary, as a counter that drops to a non-zero value is read as a reset plus new restarts.
  #slotRestartsTotal = new Map<number, number>();
  #primaryRestartsTotal = 0;
  #nextControlId = 1;
  #control = new Map<number, (reply: ControlReply) => void>();
  #progress = new Map<number, (progress: ReloadProgress) => void>();
  #cron: Cron | undefined;
  #watcher: FileWatcher | undefined;
  // A reload's new environment until the reload has taken: a primary (re)spawned meanwhile starts in it, but the spec
  // (what `hive save` writes) keeps the old one until then.
  #pendingEnv: PendingSpec | undefined;
  // The kill timeout a reload sent the primary (a config file's changed kill_timeout), while some of its processes may
  // run under it and the spec does not say it yet: the slots it replaced drain under it, until a reload succeeds (then
  // the spec's is every slot's). A stop and the leftovers' end wait the longer of it and the spec's.
  #reloadKillTimeout: number | undefined;
  // The new environment of a reload given up on (its primary frozen past the control timeout), which that primary
  // still runs once it goes on: the app's at its `reload done`, as a reload answered in time makes it; dropped at the
  // primary's exit (the next one starts in the spec's).
  #lateEnv: PendingSpec | undefined;
  // A primary was spawned in #pendingEnv: if it runs when the reload fails, the new environment is the app's anyway.
  #primaryInPending = false;
  // The tail of the operation queue (see #serially): commands on one app run one after another, in arrival order.
  #queue: Promise<unknown> = Promise.resolve();
  // Deleted, or the daemon is shutting down: operations still queued are refused.
  #removed = false;
  // Removed by the daemon's shutdown, not by a delete.
  #shuttingDown = false;
  // Counts stops, so that a cron or watch reload asked before a stop does not start the app after it.
  #stops = 0;
  // Processes SIGKILLed at killTimeout (their drain never ended), by any primary of the app: see killedAtTimeout.
  #killedAtTimeout = 0;
  // A watch reload is queued and has not begun: a change meanwhile needs no reload of its own, that one will load it.
  #watchReloadWaiting = false;
  // CPU time per slot, for the metrics endpoint when the daemon describes the app itself (fork mode).
  readonly #slotCpu = new SlotCpuTotals();
  // Primaries already sent SIGTERM.
  readonly #terminated = new WeakSet<ChildProcess>();

  /** `savedStopped`: the app comes from a dump that saved it stopped, and a save keeps it so until it is started. */
  constructor(
    id: number,
    spec: AppSpec,
    logsDir: string,
    log: (line: string) => void,
    savedStopped = false,
    appMetrics = false,
  ) {
    this.id = id;
    this.#appMetrics = appMetrics;
    this.spec = keptSpec(spec);
    this.#stoppedByUser = savedStopped;
    this.#logsDir = logsDir;
    this.#log = log;
    this.#logs = new AppLogs(logsDir, spec.name, spec);
  }

  get name(): string {
    return this.spec.name;
  }

  get namespace(): string {
    return this.spec.namespace ?? DEFAULT_NAMESPACE;
  }

  get status(): Status {
    return this.#status;
  }

  /**
   * `stopped` when a `hive stop` was the last thing asked of the app, else `online` (an errored app and a one-shot job
   * between runs too: PM2's resurrect starts those). A save keeps it, see dump.ts.
   */
  get savedStatus(): 'online' | 'stopped' {
    return this.#stoppedByUser ? 'stopped' : 'online';
  }

  /**
   * How many of the app's processes were SIGKILLed at killTimeout since the daemon added it (the primaries' `killed`
   * events: a cluster worker's or a fork-mode process's drain that did not end). Only ever grows: a command reads it
   * before and after its operation, and reports the difference (AppInfo.killed).
   */
  get killedAtTimeout(): number {
    return this.#killedAtTimeout;
  }

  /** Whether the app was deleted (or the daemon is shutting down): it takes no more operations. */
  get removed(): boolean {
    return this.#removed;
  }

  /**
   * A new `hive start` of this app's name: the app takes `spec` and starts. Refused (AppExistsError) unless the app
   * is stopped or errored; an errored app's primary may still be alive (every worker crash-looped), and is stopped
   * first so that the new spec runs. With `replace` (a config file started again: PM2 restarts its running apps) a
   * running app is stopped too, and starts again with `spec` (its id stays), in the environment it had unless
   * `updateEnv` or the file gives it no env (hasOwnEnv: what Hive added, PORT of `port` and the like, does not count):
   * PM2 re-reads the file's `env` but not the shell's there, yet an app whose file gives it no env (or `{}`) takes the
   * restarting shell's (PM2 7's Utility.extendExtraConfig deletes an empty `env` before it would replace the
   * process's, and the CLI's environment it sent stays).
   */
  startWith(spec: AppSpec, { replace = false, updateEnv = false, retry = false, warn }: StartHow = {}): Promise<void> {
    return this.#serially(async () => {
      const running = this.#status !== 'stopped' && this.#status !== 'errored';
      if (!replace && running) throw new AppExistsError(this.name);
      // In the queue: a start of the file asked before this one may have given the app its origin.
      if (replace) this.#warnOrigin(spec, warn);
      // Read here, in the queue: a restart --update-env asked before this one has set it.
      const { shellEnv } = this.spec;
      const keep = replace && !updateEnv && hasOwnEnv(spec);
      // An app of an older dump has no shellEnv of its own: it takes the new one, as it did before apps kept theirs.
      const next = keep ? { ...spec, shellEnv: shellEnv ?? spec.shellEnv } : spec;
      // Before the stop: a refused start leaves a running app running. A resurrect's environment is the dump's, which
      // was checked when the app got it.
      if (!retry) checkAppPoolThreads(next);
      // A stopped app's start is refused by its primary, as a new app's; a running one would be stopped first.
      if (!retry && running) checkAppInstanceVars(next);
      await this.#stop();
      this.#respec(next);
      // `autostart: false`: the file says not to start it, so starting the file again does not (a running app still
      // restarts, with the file's options, as the others); `hive start <name>` does.
      if (spec.autostart === false && !running) this.#register();
      else await this.#start(retry, warn);
    });
  }

  /** Says (daemon.log, and `warn`: the CLI's stderr) when a config file takes this app over from another. */
  #warnOrigin(origin: AppOrigin, warn: ((message: string) => void) | undefined): void {
    this.#warn(originWarning(this.name, this.spec, origin), warn);
  }

  #warn(message: string | undefined, warn: ((message: string) => void) | undefined): void {
    if (message === undefined) return;
    // In the app's line format (`<app>: `), as its other lines: `hive logs <app>` shows it.
    this.#log(`${this.name}: warning: ${message}`);
    warn?.(message);
  }

  /**
   * Forks the primary; resolves once every worker is ready, rejects (app errored) if the primary exits first. With
   * `retry` (a resurrect: no one waits at a terminal, and at boot the app may need what is not up yet), a failed
   * start is tried again in the background with the app's restart policy (its restartDelay, expBackoffRestartDelay,
   * maxRestartDelay, maxRestarts; the backoff begins at START_RETRY_DELAY unless the app sets a delay): this resolves
   * then, the app `starting` with its last error, and it is errored once maxRestarts tries in a row failed. A stop or a
   * delete ends the retries.
   */
  start(retry = false, warn?: (message: string) => void): Promise<void> {
    return this.#serially(() => this.#start(retry, warn));
  }

  /**
   * PM2's `autostart: false`: the app is listed stopped, not started; its cron is scheduled (a tick starts it, as it
   * starts a finished one-shot job), and `hive start <name>`, `restart` or `reload` start it.
   */
  register(): Promise<void> {
    return this.#serially(async () => this.#register());
  }

  /** Stops the primary gracefully (it drains its workers) and resolves when it has exited. */
  stop(): Promise<void> {
    return this.#serially(async () => {
      await this.#stop();
      this.#stoppedByUser = true;
    });
  }

  /**
   * Stop then start as one operation: nothing asked meanwhile runs between the two. With `shellEnv`
   * (`--update-env`), the app starts again in that environment, and keeps it (a save writes it). `warn` is told what
   * its primary warns of as it starts, as a start's (see StartHow.warn).
   */
  restart(shellEnv?: Record<string, string>, warn?: (message: string) => void): Promise<void> {
    return this.#serially(async () => {
      if (shellEnv !== undefined) {
        checkAppPoolThreads({ ...this.spec, shellEnv });
        checkAppInstanceVars({ ...this.spec, shellEnv });
      }
      await this.#stop();
      if (shellEnv !== undefined) this.spec = { ...this.spec, shellEnv };
      await this.#start(false, warn);
    });
  }

  /**
   * Rolling reload through the primary; a stopped app is started instead. Resolves with each slot's old and new
   * process (empty when the app was started, or for a primary that does not report slots); `onProgress` hears each
   * slot as it is done. With `envs.shellEnv` (`--update-env`), the replacements run in that environment and the app
   * keeps it, as after `restart(shellEnv)`; with `envs.env` (`hive startOrReload`: the config file's `env` now), that
   * replaces the spec's, kept too. Both only if the reload (or the start of a stopped app) succeeds. The primary stays.
   */
  reload(onProgress?: (progress: ReloadProgress) => void, envs: ReloadEnvs = {}): Promise<ReloadSlot[]> {
    return this.#serially(() => {
      const { origin } = envs;
      if (origin?.configFile !== undefined) {
        this.#warnOrigin(origin, envs.warn);
        this.#warn(keptScriptWarning(this.name, this.spec, origin), envs.warn);
        // The primary starts the replacements with the file's new args and node_args, and guards them with its new
        // max_memory_restart: a cluster app's forks its workers so, a fork-mode app's spawns its program so (a reload
        // restarts its processes anyway). Those of a fork whose parts cannot be told apart (fork-argv.ts) are kept.
        // The primary also runs this reload under the file's new kill_timeout and listen_timeout, and keeps them.
        const keys = reloadKeysOf(this.spec);
        const applied = new Set(keys.map((key) => RELOAD_COMMAND_OPTIONS[key]));
        this.#warn(keptOptionsWarning(this.name, this.spec, origin, applied), envs.warn);
        const command =
          origin.runArgs !== undefined ? reloadCommand(this.spec.runArgs, origin.runArgs, keys) : undefined;
        // The file that reloads the app is where it comes from now, whatever the reload's outcome: the next start or
        // reload of that file is no takeover. Its script, cwd and other options stay: the primary runs those until a
        // restart; its args, node_args, max_memory_restart and timeouts are the spec's once the reload took (#reload).
        this.spec = { ...this.spec, configFile: origin.configFile };
        if (origin.settings !== undefined) this.#applySettings(origin.settings, origin.configFile, envs.warn);
        return this.#reload(onProgress, { ...envs, command });
      }
      return this.#reload(onProgress, envs);
    });
  }

  /**
   * Empties the app's log files (`hive flush`), resolving with those emptied. Not queued behind the app's operations:
   * the files are written whatever the app is doing.
   */
  emptyLogs(): Promise<string[]> {
    return this.#logs.empty();
  }

  /** True while one of the app's log files is rotated: emptyLogs and reopenLogs wait for that rotation to end. */
  get logsRotating(): boolean {
    return this.#logs.rotating;
  }

  /** Opens again the log files that were moved or removed (`hive reloadLogs`); resolves with them. */
  reopenLogs(): Promise<string[]> {
    return this.#logs.reopenMoved();
  }

  /**
   * Zeroes the restarts `ls` shows, a fork-mode app's per-process ones, and those a cluster app's primary counts per
   * slot for the live views (`hive reset`). The crash count in a row that makes an app errored is not one of them: a
   * reset must not let a crash-looping app loop on. Not queued behind the app's operations, as a snapshot is not.
   */
  async resetRestarts(): Promise<void> {
    this.#restarts = 0;
    this.#primaryRestarts = 0;
    this.#slotRestarts.clear();
    if (!this.#primary || this.spec.fork) return;
    const reply = await this.#request({ type: 'reset' }, undefined, SNAPSHOT_TIMEOUT);
    // A primary that is starting or stopping has nothing to keep: its next one counts from zero.
    if (!reply.ok) this.#log(`${this.name}: the primary did not reset its restarts: ${reply.message}`);
  }

  /**
   * Sends `signal` to each of the app's processes (`hive sendSignal`): its workers, or a fork-mode app's programs, not
   * the primary, which is Hive's and takes SIGTERM as a stop (PM2 has no such process). Returns the pids it reached.
   */
  signal(signal: NodeJS.Signals | number): number[] {
    const sent: number[] = [];
    for (const pid of this.#workers.keys()) {
      // Checked again when sending: the primary's pid is known for sure only now.
      if (!isAppProcessPid(pid, this.#primary?.pid)) continue;
      try {
        process.kill(pid, signal);
        sent.push(pid);
      } catch (error) {
        // Gone since its last event: the primary reports its exit next.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    if (sent.length === 0) throw new AppOperationError(this.name, `has no running process to send ${signal} to`);
    return sent;
  }

  /** Changes the number of workers through the primary. */
  scale(instances: number | string): Promise<void> {
    return this.#serially(() => {
      const count = parseScaleCount(instances);
      if ('instances' in count) return this.#scale(count.instances);
      // In the queue: the count a scale asked before this one left is the one this changes.
      if (!this.#primary) throw new AppOperationError(this.name, 'is not running; start it first');
      return this.#scale(changedCount(this.name, this.#size || this.#configuredSize(), count.change));
    });
  }

  /**
   * Stops the app, closes its logs and calls `onDeleted` (the table forgets it) in one operation: an operation asked
   * before runs first, one asked after is refused with AppNotFoundError.
   */
  delete(onDeleted: () => void): Promise<void> {
    return this.#serially(async () => {
      await this.#stop();
      this.#removed = true;
      this.#logs.close();
      onDeleted();
    });
  }

  /**
   * The daemon is going away: the app stops now, not after the operation in flight (a start waiting for a slow app,
   * a long reload), which then fails as its primary exits; operations still queued are refused, and one in flight
   * starts nothing more (#start checks).
   */
  async shutdown(): Promise<void> {
    this.#removed = true;
    this.#shuttingDown = true;
    await this.#stop();
    this.#logs.close();
  }

  // Why the app takes no more operations: deleted, or the daemon is going away (not "no app named", which it had).
  #goneError(): Error {
    return this.#shuttingDown ? AppOperationError.shuttingDown(this.name) : new AppNotFoundError(this.name);
  }

  // Runs `operation` once every operation asked before it has settled; refused once the app is removed.
  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#removed) throw this.#goneError();
      return operation();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  // Replaces the spec of a stopped app (a new `hive start` of the same name).
  #respec(spec: AppSpec): void {
    this.#cron?.stop();
    this.#cron = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#logs.close();
    this.spec = keptSpec(spec);
    this.#logs = new AppLogs(this.#logsDir, spec.name, spec);
  }

  #register(): void {
    if (this.#removed) throw this.#goneError();
    this.#stoppedByUser = false;
    this.#scheduleCron();
  }

  async #start(retry = false, warn?: (message: string) => void): Promise<void> {
    // A restart or a reload of a stopped app in flight when the daemon shuts down must not spawn a primary.
    if (this.#removed) throw this.#goneError();
    this.#stoppedByUser = false;
    if (this.#primary) return;
    this.#wanted = 'online';
    this.#respawnPolicy.reset();
    this.#lastError = null;
    this.#reloadFailed = false;
    this.#respawning = false;
    // A try the last start or crash scheduled is this start's business now (a reload during a resurrect's tries).
    clearTimeout(this.#respawnTimer);
    // A one-shot job is not restarted when it fails, so neither is its start.
    const retries = retry && this.spec.autorestart !== false;
    this.#startRetry = retries
      ? new RestartPolicy(forkRestartPolicy(this.spec.runArgs, { expBackoffRestartDelay: START_RETRY_DELAY }))
      : undefined;
    this.#scheduleCron();
    this.#startWatching(warn);
    if (!(await this.#leftoversEnded())) return;
    this.#startWarn = warn;
    try {
      await this.#spawn();
    } catch (error) {
      // #onExit scheduled the next try: the start is under way, not failed.
      if (this.#startRetry && this.#status === 'starting') return;
      throw error;
    } finally {
      this.#startWarn = undefined;
    }
  }

  async #stop(): Promise<void> {
    this.#stops += 1;
    this.#wanted = 'stopped';
    this.#startRetry = undefined;
    this.#cron?.stop();
    this.#cron = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    clearTimeout(this.#respawnTimer);
    const primary = this.#primary;
    if (!primary) {
      this.#status = 'stopped';
      return;
    }
    this.#status = 'stopping';
    // Once per primary: `hive run` takes a second SIGTERM as "force", which would cut short the drain of a stop already
    // under way (a `hive kill` arriving during `hive stop`).
    if (!this.#terminated.has(primary)) {
      this.#terminated.add(primary);
      primary.kill('SIGTERM');
    }
    // The primary's own escalation (its processes' killTimeout, then their trees') comes first; this bounds one that
    // hangs.
    const killTimeout = this.#killTimeout();
    const timeout = stopTimeout(killTimeout);
    // A fork-mode primary answers no snapshots: only its stop bound applies.
    if (!this.spec.fork) void this.#killIfUnanswered(primary, killTimeout);
    const force = setTimeout(() => {
      this.#log(`${this.name}: primary pid ${primary.pid} did not stop within ${timeout} ms; SIGKILL`);
      primary.kill('SIGKILL');
    }, timeout);
    await this.#exited;
    clearTimeout(force);
    await this.#leftovers;
  }

  // A primary frozen (SIGSTOP) or with its event loop blocked never begins the drain a stop's SIGTERM asks for, and a
  // stop must not wait the whole stop bound for it: asked for a snapshot (answered at once, even while it drains), one
  // that says nothing within killTimeout is SIGKILLed with its processes (a blocked worker would outlive it).
  async #killIfUnanswered(primary: ChildProcess, killTimeout: number): Promise<void> {
    // Never less than UNANSWERED_GRACE: a primary busy draining on a loaded machine may answer late, and a SIGKILL
    // would cut its drain short.
    const wait = Math.max(killTimeout, UNANSWERED_GRACE);
    const reply = await this.#request({ type: 'snapshot' }, undefined, wait);
    if (!reply.timedOut || this.#primary !== primary || primary.exitCode !== null || primary.signalCode !== null)
      return;
    this.#log(
      `${this.name}: primary pid ${primary.pid} did not answer within ${wait} ms; SIGKILL to it and its processes`,
    );
    killTree(primary);
  }

  async #reload(onProgress?: (progress: ReloadProgress) => void, envs: ReloadEnvs = {}): Promise<ReloadSlot[]> {
    const { shellEnv, env: appEnv, command } = envs;
    // Pending before the primary hears of it: a primary respawned meanwhile starts in it, as the reload asked. The
    // spec takes it only once the reload (or the start it makes) has succeeded: a later restart, respawn or resurrect
    // must not start the app in the environment of a reload that did not take. The new runArgs (args, node_args,
    // max_memory_restart, kill_timeout, listen_timeout) likewise.
    const newEnv = shellEnv !== undefined || appEnv !== undefined;
    if (newEnv || command) {
      const pending = {
        ...(shellEnv !== undefined ? { shellEnv } : {}),
        ...(appEnv !== undefined ? { env: appEnv } : {}),
        ...(command ? this.#withRunArgs(command.runArgs) : {}),
      };
      checkAppPoolThreads({ ...this.spec, ...pending });
      checkAppInstanceVars({ ...this.spec, ...pending });
      this.#pendingEnv = pending;
    }
    try {
      return await this.#reloadIn(newEnv, onProgress, envs);
    } catch (error) {
      if (error instanceof PrimaryUnresponsiveError && this.#pendingEnv && !this.#primaryInPending) {
        this.#lateEnv = this.#pendingEnv;
      }
      // Unless a primary runs in the new environment by now (it died meanwhile and was respawned in it).
      if (!(this.#primaryInPending && this.#primary)) this.#pendingEnv = undefined;
      throw error;
    } finally {
      if (this.#pendingEnv) this.spec = { ...this.spec, ...this.#pendingEnv };
      this.#pendingEnv = undefined;
      this.#primaryInPending = false;
    }
  }

  async #reloadIn(
    newEnv: boolean,
    onProgress: ((progress: ReloadProgress) => void) | undefined,
    { command, origin, warn }: ReloadEnvs,
  ): Promise<ReloadSlot[]> {
    // A primary that said its app ended is about to exit: the reload of a stopped app starts it, once that one is gone.
    if (this.#primary && this.#ended) await this.#exited;
    if (!this.#primary) {
      await this.#start();
      return [];
    }
    const primary = this.#primary;
    const exited = this.#exited;
    // The whole environment the primary was forked with (#spawn), not just the shell's: the primary forks its
    // processes in it instead of its own, so a variable gone from the shell is gone from them.
    const env = newEnv ? this.#primaryEnv() : undefined;
    // One slot after another: each may take its listen and kill timeouts.
    const slots = Math.max(this.#size, new Set([...this.#workers.values()].map((w) => w.instance)).size);
    // Under the file's timeouts when the reload brings new ones: the primary applies them to this reload.
    const timeout = Math.max(
      controlTimeout(this.spec, slots),
      command ? controlTimeout({ ...this.spec, ...this.#withRunArgs(command.runArgs) }, slots) : 0,
    );
    // Only what changed: an older primary ignores the fields, and its answer says so (`applied`, below).
    const sent = RELOAD_COMMAND_KEYS.filter((key) => command?.[key] !== undefined);
    const fields = Object.fromEntries(sent.map((key) => [key, command?.[key]]));
    const request = { type: 'reload', ...(env ? { env } : {}), ...fields };
    if (command?.killTimeout !== undefined) {
      const sentKill = killTimeoutOf({ ...this.spec, ...this.#withRunArgs(command.runArgs) });
      this.#reloadKillTimeout = Math.max(this.#reloadKillTimeout ?? 0, sentKill);
    }
    const reply = await this.#request(request, onProgress, timeout);
    const gone = this.#ended || this.#status === 'stopping' || !primary.connected || this.#primary !== primary;
    if (!reply.ok && gone) {
      // The app ended (or its primary died) while the request was on its way: it is started, as a stopped one is.
      // `stopping` says the `stopped` record is on its way.
      await exited;
      await this.#start();
      return [];
    }
    // The same primary answered: it aborted the reload (its old processes keep serving) and kept its environment
    // for new slots (Supervisor#reload; the slots replaced before the abort run the new one until the next reload):
    // the spec keeps the old one too.
    // Whoever asked (`hive reload`, a watched file, a cron tick), `ls` and `describe` say the app runs older code, and why.
    if (reply.timedOut) {
      const error = new PrimaryUnresponsiveError(this.name, primary.pid, 'reload', timeout);
      this.#markReloadFailed(error.message);
      throw error;
    }
    if (!reply.ok) {
      this.#markReloadFailed(reply.message ?? 'unknown reason');
      // A replacement that was not ready: the code `hive run`'s reload gives, which scripts tell from a failed start.
      if (reply.code === 'ERR_HIVE_RELOAD_ABORTED') throw new AppReloadAbortedError(this.name, reply.message ?? '');
      throw new AppOperationError(this.name, `reload failed: ${reply.message}`);
    }
    this.#clearReloadFailed();
    this.#reloadKillTimeout = undefined;
    const ignored = sent.filter((key) => !reply.applied?.includes(key));
    if (ignored.length > 0 && origin?.runArgs !== undefined) {
      // An older primary (`hive update` keeps it until a restart): its processes run the old arguments and limit,
      // which the spec keeps (an intermediate one applies args and node_args, not max_memory_restart), and the
      // reload says so.
      const applied = sent.filter((key) => !ignored.includes(key));
      const runArgs = appliedRunArgs(this.spec.runArgs, origin.runArgs, applied);
      this.#pendingEnv = { ...this.#pendingEnv, ...this.#withRunArgs(runArgs) };
      const options = ignored.map((key) => RELOAD_COMMAND_OPTIONS[key]);
      this.#warn(notAppliedWarning(this.name, origin, options), warn);
    }
    return reply.slots ?? [];
  }

  // How long its processes may drain: the spec's kill timeout, or a reload's longer one (#reloadKillTimeout).
  #killTimeout(): number {
    return Math.max(killTimeoutOf(this.spec), this.#reloadKillTimeout ?? 0);
  }

  // A reload's new runArgs, and a fork-mode app's program arguments built with them (its primary spawns those at a
  // respawn): what the spec takes once the reload took.
  #withRunArgs(runArgs: string[]): Pick<PendingSpec, 'runArgs' | 'fork' | 'killTimeout'> {
    const { fork } = this.spec;
    if (!fork) return { runArgs };
    const withFork = { runArgs, fork: forkWithRunArgs(fork, this.spec.runArgs, runArgs) };
    // A fork-mode app's kill timeout is its spec's (killTimeoutOf), which a reload that applied a new one changes too;
    // always set, so that the runArgs an older primary kept (#reloadIn) take back the one a pending spec had changed.
    const kill = runArgFlag(runArgs, 'kill-timeout');
    const same = kill === runArgFlag(this.spec.runArgs, 'kill-timeout');
    const killTimeout = same ? this.spec.killTimeout : kill === undefined ? undefined : killTimeoutOf({ runArgs });
    return { ...withFork, killTimeout };
  }

  // The first line of the failure (a worker's error names its crash there, see WorkerNotReadyError): the stderr lines it
  // quotes below are in the app's error log.
  #markReloadFailed(message: string): void {
    const line = (message.split('\n')[0] ?? '').replace(/; its last stderr lines:$/, '');
    this.#lastError = `reload failed: ${line}`;
    this.#reloadFailed = true;
  }

  #clearReloadFailed(): void {
    if (!this.#reloadFailed) return;
    this.#lastError = null;
    this.#reloadFailed = false;
  }

  /**
   * The app for the live views: a cluster app's primary builds it (its workers' metrics, events and sampled
   * requests); a fork-mode app, a stopped one, or a primary that does not answer within a second is shown from what
   * the daemon knows (state and processes, with cpu and memory from /proc). A primary marked unresponsive is not
   * asked: the last snapshot it gave is shown, with its time (`asOf`), or else what the daemon knows.
   */
  async snapshot(stats: ProcStats, requests = false): Promise<AppSnapshot> {
    const primary = this.#primary;
    if (primary && !this.spec.fork) {
      if (this.#watch?.unresponsive) {
        // Known not to answer: the views are not held up a second per poll for it (a dashboard polls every second).
        // The last it gave stands in, with when (`asOf`); flagged, as any snapshot of it now, primaryUnresponsive.
        const last = this.#lastSnapshot;
        if (last?.primary === primary) return { ...this.#withHistory(last.snapshot), asOf: last.at };
        return this.#knownSnapshot(stats);
      }
      // With `requests`, the primary samples requests while such snapshots keep coming (a dashboard is open).
      const reply = await this.#request({ type: 'snapshot', requests }, undefined, SNAPSHOT_TIMEOUT);
      if (reply.ok && reply.snapshot) {
        if (this.#primary === primary) this.#lastSnapshot = { primary, snapshot: reply.snapshot, at: Date.now() };
        return this.#withHistory(reply.snapshot);
      }
    }
    return this.#knownSnapshot(stats);
  }

  // The daemon's restart counts (`hive ls`'s) and events over a primary's snapshot: the primary knows only what
  // happened since it started, and nothing of its predecessor's death.
  #withHistory(snapshot: AppSnapshot): AppSnapshot {
    return {
      ...snapshot,
      restarts: this.#restarts,
      instances: snapshot.instances.map((i) => ({ ...i, restarts: this.#slotRestarts.get(i.instance) ?? 0 })),
      events: [...this.#events],
      lastError: this.#lastError,
      reloadFailed: this.#reloadFailed,
      primaryUnresponsive: this.#watch?.unresponsive === true,
    };
  }

  /**
   * The app for the daemon's metrics endpoint; undefined when it is stopped (it leaves the exposition). A cluster
   * app's primary is asked for what its own `/metrics` serves, within {@link PROMETHEUS_TIMEOUT}; when it does not
   * answer, the daemon's own view comes with the error.
   */
  async exposition(stats: ProcStats): Promise<AppExposition | undefined> {
    if (this.#status === 'stopped') return undefined;
    const app = this.name;
    const marked = this.#primary?.pid;
    if (marked !== undefined && this.#watch?.unresponsive) {
      // Known not to answer: the scrape does not wait for it; and a fork-mode app, whose figures the daemon reads from
      // /proc and would look well, is down too: its primary would not restart a process that dies meanwhile.
      const error = `its primary (pid ${marked}) does not answer the daemon's ping`;
      return { app, error, stopped: isStopped(marked), unresponsive: true, known: this.#known(stats) };
    }
    if (this.#primary && !this.spec.fork) {
      const reply = await this.#request({ type: 'prometheus' }, undefined, PROMETHEUS_TIMEOUT);
      if (reply.ok && reply.metrics) return { app, asked: reply.metrics };
      const pid = this.#primary?.pid;
      return {
        app,
        error: reply.message ?? 'no metrics in the answer',
        stopped: pid !== undefined && isStopped(pid),
        known: this.#known(stats),
      };
    }
    return { app, known: this.#known(stats) };
  }

  #known(stats: ProcStats): KnownApp {
    const processes: KnownApp['processes'][number][] = [];
    const restarts = new Map<number | 'primary', number>();
    const ready = new Set<number>();
    for (const [pid, worker] of [...this.#workers].sort((a, b) => a[1].instance - b[1].instance)) {
      if (worker.state === 'ready') ready.add(worker.instance);
      restarts.set(worker.instance, 0);
      const usage = stats.usage(pid);
      if (usage === undefined) continue;
      const cpuSeconds = this.#slotCpu.total(worker.instance, pid, usage.cpuSeconds);
      processes.push({ slot: worker.instance, cpuSeconds, memory: usage.memory });
    }
    // A fork-mode slot keeps its counters without a live process, as a primary's slots do: its CPU seconds so far (no
    // memory), and its restarts. Not a cluster app's, whose figures here are the daemon's, not its primary's.
    if (this.spec.fork) {
      const live = new Set(processes.map((p) => p.slot));
      for (const [slot, cpuSeconds] of this.#slotCpu.totals()) {
        if (!restarts.has(slot)) restarts.set(slot, 0);
        if (!live.has(slot)) processes.push({ slot, cpuSeconds, memory: null });
      }
      processes.sort((a, b) => a.slot - b.slot);
    }
    for (const [slot, count] of this.#slotRestartsTotal) restarts.set(slot, count);
    if (this.#primaryRestartsTotal > 0) restarts.set('primary', this.#primaryRestartsTotal);
    return {
      app: this.name,
      state: this.#status,
      desiredWorkers: Math.max(this.#size || this.#configuredSize(), ready.size),
      readyWorkers: ready.size,
      primaryStartedAt: this.#primary ? this.#startedAt : undefined,
      restarts: new Map([...restarts].sort((a, b) => slotOrder(a[0]) - slotOrder(b[0]))),
      processes,
    };
  }

  // The processes the app asks for before its primary said how many it runs (an app errored before it was online):
  // `hive_workers_ready` below it is the alert, as a primary's errored app shows it.
  #configuredSize(): number {
    try {
      return resolveInstances(this.spec.instances);
    } catch {
      return 0;
    }
  }

  async #scale(instances: number | string): Promise<void> {
    if (!this.#primary) throw new AppOperationError(this.name, 'is not running; start it first');
    const primary = this.#primary;
    // The slots a scale adds or removes come up or drain side by side.
    const timeout = controlTimeout(this.spec, 1);
    const reply = await this.#request({ type: 'scale', instances }, undefined, timeout);
    if (reply.timedOut) throw new PrimaryUnresponsiveError(this.name, primary.pid, 'scale', timeout);
    if (!reply.ok) throw new AppOperationError(this.name, `scale failed: ${reply.message}`);
    if (reply.size !== undefined) this.#size = reply.size;
    this.spec = { ...this.spec, instances: String(instances), runArgs: withInstances(this.spec.runArgs, instances) };
  }

  /** The pids of the app's processes now, its primary's first: what the daemon samples CPU of. */
  pids(): number[] {
    const primary = this.#primary?.pid;
    return [...(primary === undefined ? [] : [primary]), ...this.#workers.keys()];
  }

  info(stats: ProcStats): AppInfo {
    const now = Date.now();
    const processes: ProcessInfo[] = [];
    if (this.#primary?.pid) {
      const { cpu, memory } = stats.read(this.#primary.pid);
      const state = this.#status;
      processes.push({
        role: 'primary',
        instance: null,
        pid: this.#primary.pid,
        state,
        unresponsive: this.#watch?.unresponsive === true,
        cpu,
        memory,
        uptime: now - this.#startedAt,
        restarts: this.#primaryRestarts,
        listen: null,
      });
    }
    for (const [pid, worker] of [...this.#workers].sort((a, b) => a[1].instance - b[1].instance)) {
      const { cpu, memory } = stats.read(pid);
      processes.push({
        role: 'worker',
        instance: worker.instance,
        pid,
        state: worker.state,
        unresponsive: hung(worker),
        cpu,
        memory,
        uptime: now - worker.since,
        restarts: this.#slotRestarts.get(worker.instance) ?? 0,
        listen: worker.listen,
      });
    }
    const idleSlots: IdleSlot[] = [...this.#downSlots]
      .sort((a, b) => a[0] - b[0])
      .map(([instance, state]) => ({
        instance,
        state,
        lastExit: this.#slotExits.get(instance) ?? null,
        restarts: this.#slotRestarts.get(instance) ?? 0,
      }));
    const readyInstances = new Set(
      [...this.#workers.values()].filter((w) => w.state === 'ready').map((w) => w.instance),
    );
    // The app's own processes, as monit, the dashboard and PM2 count them: the primary (a cluster's, or the fork-mode
    // wrapper) is Hive's overhead, its own row in `processes` (describe).
    const own = processes.filter((p) => p.role === 'worker');
    const sum = (key: 'cpu' | 'memory') =>
      own.some((p) => p[key] !== null) ? own.reduce((total, p) => total + (p[key] ?? 0), 0) : null;
    const cpu = sum('cpu');
    // A slot with no process is a process that is down now: PM2 shows such a one at 0 too.
    const workerUptimes = processes.filter((p) => p.role === 'worker').map((p) => p.uptime);
    const processUptime =
      !this.#primary || idleSlots.length > 0 || workerUptimes.length === 0 ? 0 : Math.min(...workerUptimes);
    return {
      id: this.id,
      name: this.name,
      namespace: this.namespace,
      script: this.spec.script,
      cwd: this.spec.cwd,
      mode: this.spec.fork ? 'fork' : 'cluster',
      status: this.#status,
      ready: readyInstances.size,
      unresponsive: [...this.#workers.values()].filter(hung).length,
      primaryUnresponsive: this.#watch?.unresponsive === true,
      // An app errored without a primary (its start failed) still wants its processes: 0/2, as its metrics say; a
      // stopped one wants none.
      total: this.#primary
        ? Math.max(this.#size, readyInstances.size)
        : this.#status === 'errored'
          ? this.#configuredSize()
          : 0,
      configuredInstances: this.#configuredSize(),
      restarts: this.#restarts,
      uptime: this.#primary ? now - this.#startedAt : 0,
      processUptime,
      cpu: cpu === null ? null : Math.round(cpu * 10) / 10,
      memory: sum('memory'),
      processes,
      idleSlots,
      outFile: this.#logs.outFile,
      errorFile: this.#logs.errorFile,
      logFile: this.#logs.logFile ?? null,
      mergeLogs: this.spec.mergeLogs !== false,
      logs: this.#logs.files(),
      cronRestart: this.spec.cronRestart ?? null,
      nextCronRun: this.#cron?.nextRun()?.toISOString() ?? null,
      watch: this.spec.watch ?? null,
      settings: appSettings(this.spec),
      lastError: this.#lastError,
      reloadFailed: this.#reloadFailed,
      metrics: this.#primary ? this.#metricsUrl : null,
    };
  }

  #spawn(): Promise<void> {
    const { spec } = this;
    if (this.#pendingEnv) this.#primaryInPending = true;
    // A new primary loads the files as they are now: a failed reload's code is no longer the old processes'.
    this.#clearReloadFailed();
    this.#startedAt = Date.now();
    this.#wasOnline = false;
    this.#ended = false;
    this.#status = 'starting';
    this.#workers.clear();
    this.#downSlots.clear();
    this.#erroredSlots.clear();
    this.#size = 0;
    this.#stderrTail = [];
    this.#primaryError = [];
    this.#quoting = false;
    this.#appStderr = [];
    this.#quoted = [];
    this.#metricsUrl = null;
    this.#countsSent = false;
    // Released as the last run ended: opened again at the path, a new file if the old one was moved away meanwhile.
    this.#logs.open();
    let primary: ChildProcess;
    try {
      primary = fork(...this.#primaryCommand(), {
        cwd: spec.cwd,
        // Only a cluster-mode primary (`hive run`) takes the mark off: a fork-mode one would hand it down to its
        // processes.
        env: primaryOwnEnv(spec.fork ? this.#primaryEnv() : markedPrimaryEnv(this.#primaryEnv())),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        // The daemon's own flags (e.g. a loader) are not the app's business.
        execArgv: spec.fork ? FORK_PRIMARY_FLAGS : [],
        // A process group of its own, which its processes and theirs join: once it is gone (SIGKILL, the OOM killer),
        // that group is all that ties what they started to the app (#endLeftovers). Its stop comes from the daemon,
        // never from a signal to the daemon's group.
        detached: true,
      });
    } catch (error) {
      // Some causes are thrown rather than emitted (ENOTDIR: a cwd that is a file).
      return Promise.reject(this.#onSpawnError(undefined, error as Error));
    }
    this.#primary = primary;
    let resolveExit!: () => void;
    this.#exited = new Promise((resolve) => {
      resolveExit = resolve;
    });
    if (primary.pid !== undefined) this.#log(`${spec.name}: primary pid ${primary.pid} started`);
    const started = new Promise<void>((resolve, reject) => {
      primary.on('error', (error) => {
        // A primary that was never spawned (its cwd gone: ENOENT; out of file descriptors: EMFILE) gets no 'exit':
        // without this, the start and any stop after it would wait for one forever.
        if (primary.pid === undefined) {
          reject(this.#onSpawnError(primary, error));
          resolveExit();
          return;
        }
        // Else the IPC channel's EPIPE after a primary dies, which would be an uncaught error in the daemon.
        this.#log(`${spec.name}: primary error: ${error.message}`);
      });
      // Never spawned: with EMFILE it has no pipes nor channel either, and its 'error' above is all that comes.
      if (primary.pid === undefined) return;
      splitLines(primary.stdout!, (line) => this.#onRecord(primary, line, resolve), { maxLine: MAX_RECORD });
      // The app's lines come on it: read no faster than its files are written (the logs of this spec, which a
      // respawn's new spec does not change while this primary's pipe is open).
      const logs = this.#logs;
      logs.pace(primary.stdout!);
      splitLines(primary.stderr!, (line) => this.#onPrimaryStderr(line));
      primary.on('message', (message: Record<string, unknown> | null) => {
        // A late answer of a primary gone since says nothing of the current one.
        if (message?.type === 'pong') {
          if (this.#primary === primary) this.#watch?.answered();
        } else if (message?.type === 'leaving') {
          // Its last lines come now, and it waits for them to be read only so long (exit-flushed.ts).
          logs.unpace(primary.stdout!);
        } else this.#onPrimaryMessage(message);
      });
      primary.on('exit', async (code, signal) => {
        // The last lines (the reason a start failed) may still be in the pipes; an orphan holding them open must
        // not hold up the exit, hence the bound.
        logs.unpace(primary.stdout!);
        await Promise.race([
          Promise.all([closed(primary.stdout!), closed(primary.stderr!)]).catch(() => {}),
          delay(1000),
        ]);
        this.#writeQuoted();
        const wasOnline = this.#wasOnline;
        this.#onExit(primary, code, signal);
        resolveExit();
        // Stopped by the daemon's shutdown (`hive kill`, SIGTERM) while it was starting: that is why the start
        // failed, not the exit (code 0, a graceful stop) that it asked for.
        if (!wasOnline && this.#shuttingDown) reject(this.#goneError());
        else if (!wasOnline) {
          const detail =
            (this.#primaryError.length ? this.#primaryError : this.#stderrTail).join('\n') ||
            `exited with ${signal ?? `code ${code}`}`;
          reject(new AppOperationError(spec.name, `did not start: ${detail}`));
        }
      });
    });
    return started;
  }

  // A primary that could not be spawned ended as one that exits at once: the error of the start it was for.
  #onSpawnError(primary: ChildProcess | undefined, error: Error): AppOperationError {
    const cause = primarySpawnError(error, this.spec.cwd);
    this.#log(`${this.name}: ${cause}`);
    this.#onExit(primary, null, null, cause);
    return new AppOperationError(this.name, `did not start: ${cause}`);
  }

  // The environment of the app's processes: the shell's of `hive start` (or of the last --update-env), the spec's
  // `env` over it; during a reload that brings a new one, that one (#pendingEnv).
  #primaryEnv(): NodeJS.ProcessEnv {
    // The app's id, for the pm_id of its processes (cluster/pm-id.ts).
    const spec = { ...this.spec, ...this.#pendingEnv };
    // PWD as a shell's `cd` sets it: the primary reads its cwd from it with symlinks kept (logical-path.ts), so that a
    // reload after a deploy switched `current` starts processes in the new release, not the one the primary began in.
    const env: NodeJS.ProcessEnv = { ...appEnvironment(spec), PWD: spec.cwd, [ENV.appId]: String(this.id) };
    // A PORT of the app's own env is given, and enforced by its primary's ready rule; one of the shell's is only
    // inherited (cluster/app-port.ts). The primary unsets the variable in its processes.
    if (!spec.fork && spec.env !== undefined && Object.hasOwn(spec.env, 'PORT')) env[ENV.givenPort] = spec.env.PORT;
    // The daemon's metrics endpoint collects the app's own metrics: its retiring processes send their last ones.
    return this.#appMetrics && !this.spec.fork ? { ...env, [ENV.appMetrics]: '1' } : env;
  }

  /**
   * `hive env`: the environment the app's processes are started in, keys sorted. The spec's, not a reload's pending
   * one: what a restart or a resurrect would start them in, which a reload that fails leaves as it was.
   */
  environment(): Record<string, string> {
    return sortedEnv(appEnvironment(this.spec));
  }

  /** The app's own `env` (the spec's, the same one as environment()'s), without the shell's: keys sorted. */
  ownEnvironment(): Record<string, string> {
    return sortedEnv(this.spec.env);
  }

  // Cluster mode: `hive run`; fork mode: the fork primary. Both report in the same JSON lines.
  #primaryCommand(): [string, string[]] {
    // A primary (re)spawned during a reload that brings new runArgs starts with them, as with its new environment.
    const spec = { ...this.spec, ...this.#pendingEnv };
    if (!spec.fork) return [hiveEntry, ['run', '--log-format', 'json', '--name', spec.name, ...spec.runArgs]];
    const options: ForkOptions = {
      name: spec.name,
      command: spec.fork.command,
      args: spec.fork.args,
      instances: spec.instances,
      autorestart: spec.autorestart ?? true,
      killTimeout: spec.killTimeout ?? 5_000,
      ...(spec.killSignal !== undefined ? { killSignal: spec.killSignal as NodeJS.Signals } : {}),
      treekill: treekillOf(spec.runArgs),
      maxMemoryRestart: maxMemoryRestartOf(spec.runArgs),
      restart: forkRestartPolicy(spec.runArgs),
      ...forkReadyOptions(spec.runArgs),
      script: forkNodeScript(spec),
      argv: forkArgv(spec.fork, spec.runArgs),
    };
    return [forkEntry, [JSON.stringify(options)]];
  }

  // A record of `primary`'s: its app's lines are logged whenever they come, the rest only while it is the current
  // primary (one that exited may still have records in its pipe, held open by an orphan, after the next one started).
  #onRecord(primary: ChildProcess, line: string, onOnline: () => void): void {
    let record: Record<string, unknown> & { kind?: string };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      // Not a record: the primary's own words (a Node warning), never dropped as the app's lines may be.
      this.#logs.write('stdout', line, {}, true);
      return;
    }
    if (record.kind === 'log') {
      const stream = record.stream === 'stderr' ? 'stderr' : 'stdout';
      const instance = typeof record.instance === 'number' ? record.instance : undefined;
      const pid = typeof record.pid === 'number' ? record.pid : undefined;
      const text = String(record.line);
      if (stream === 'stderr') {
        this.#appStderr.push(text);
        if (this.#appStderr.length > MAX_ERROR_LINES) this.#appStderr.shift();
      }
      // Stamped with the primary's time: when it read the line, one clock for both streams, not when the daemon got
      // to it (behind a backlog, or its loop busy); the daemon's for an older primary's record, with no `time`.
      const read = typeof record.time === 'string' ? Date.parse(record.time) : Number.NaN;
      this.#logs.write(stream, text, { instance, pid, time: Number.isFinite(read) ? read : undefined });
      return;
    }
    // The rest is the primary's own: a previous one's would start the watch of the current one before it listens
    // (a ping it would lose), send it counts it would miss, or put its workers in the table.
    if (this.#primary !== primary) return;
    // Answers to #request come on stdout too, behind the events they follow: by then the table is up to date.
    if (record.kind === 'control') {
      this.#onPrimaryMessage(record);
      return;
    }
    if (record.kind !== 'event') return;
    // What ended the primary (`hive run --log-format json` prints it as a record): read as its text form on stderr was,
    // the reason a start failed. Not its hint (`Run \`hive run --help\``: advice to one who typed `hive run`): read as
    // a line of its own, it took the place of the reason (a script deleted since: "did not start: Run
    // `hive run --help`").
    if (record.type === 'fatal') {
      const code = typeof record.code === 'string' ? `${record.code}: ` : '';
      for (const line of `hive run: ${code}${String(record.message)}`.split('\n')) this.#onPrimaryStderr(line);
      return;
    }
    this.#sendCounts();
    this.#watchPrimary();
    // Where `hive run --metrics-port` serves (the address is known only once bound: port 0 picks one).
    if (record.type === 'metrics' && typeof record.url === 'string') {
      this.#metricsUrl = `${record.url}/metrics`;
      return;
    }
    const event = record as unknown as SupervisorEvent;
    if (loggedEvents.has(event.type)) {
      const text = formatEvent('text', this.name, event).replace(/^\[hive\] [^:]*: /, '');
      this.#log(`${this.name}: ${text}`);
      // One line in the views: an errored event's quoted stderr lines are daemon.log's (and `hive logs`').
      const line = text.split('\n')[0]!.replace(/ Last stderr lines:$/, '');
      this.#event(event.type as AppEvent['type'], line, 'instance' in event ? event.instance : null, eventMark(event));
    }
    // Named: a config file's start tells the warnings of several apps.
    if (event.type === 'warning') this.#startWarn?.(`app ${JSON.stringify(this.name)}: ${event.message}`);
    if (countsAsRestart(event) && 'instance' in event) {
      this.#restarts += 1;
      this.#slotRestarts.set(event.instance, (this.#slotRestarts.get(event.instance) ?? 0) + 1);
      this.#slotRestartsTotal.set(event.instance, (this.#slotRestartsTotal.get(event.instance) ?? 0) + 1);
    }
    switch (event.type) {
      case 'worker':
        if (event.state !== 'stopped') {
          this.#logs.openInstance(event.instance);
          // A new process ends a slot's wait for its restart; an errored slot is one until a process of it is ready
          // (a reload's replacement that fails leaves it errored, and no event says so again).
          if (event.state !== 'starting' || this.#downSlots.get(event.instance) === 'restarting') {
            this.#downSlots.delete(event.instance);
          }
          if (event.state !== 'starting') this.#erroredSlots.delete(event.instance);
        }
        if (event.state === 'stopped') this.#workers.delete(event.pid);
        else if (isAppProcessPid(event.pid, this.#primary?.pid)) {
          const known = this.#workers.get(event.pid);
          const since = known?.since ?? Date.now();
          const startTime = known ? known.startTime : startTimeOf(event.pid);
          const unresponsive = known?.unresponsive ?? false;
          const listen = event.listen ?? known?.listen ?? null;
          this.#workers.set(event.pid, {
            instance: event.instance,
            state: event.state,
            since,
            startTime,
            unresponsive,
            listen,
          });
        }
        break;
      case 'killed':
        this.#killedAtTimeout += 1;
        break;
      case 'unresponsive': {
        const worker = this.#workers.get(event.pid);
        if (worker) worker.unresponsive = event.unresponsive;
        break;
      }
      case 'exit':
        this.#workers.delete(event.pid);
        this.#slotExits.set(event.instance, slotExitOf(event));
        break;
      case 'restart':
        this.#downSlots.set(event.instance, 'restarting');
        break;
      case 'scale':
        this.#size = event.to;
        // A primary older than `slots` does not say which slots remain: the highest went, as they mostly do.
        for (const instance of this.#downSlots.keys()) {
          if (!(event.slots?.includes(instance) ?? instance < event.to)) {
            this.#downSlots.delete(instance);
            this.#erroredSlots.delete(instance);
          }
        }
        break;
      case 'reload':
        // Every slot runs the files' code now, whoever waited for it: a reload the daemon gave up on (its primary
        // frozen past the control timeout, marked failed then) still runs once that primary goes on.
        if (event.phase === 'done') {
          this.#clearReloadFailed();
          if (this.#lateEnv) this.spec = { ...this.spec, ...this.#lateEnv };
          this.#lateEnv = undefined;
        }
        break;
      case 'errored': {
        this.#downSlots.set(event.instance, 'errored');
        this.#erroredSlots.add(event.instance);
        const slots = [...this.#erroredSlots].sort((a, b) => a - b);
        const who = slots.length === 1 ? `worker ${slots[0]}` : `workers ${slots.join(', ')}`;
        // Named by the error the tail reports (the primary keeps it before it drops any of the app's lines), with its
        // cause's: a Node crash report's last lines are its stack's end and the `Node.js v20.x` footer, which say
        // nothing of it.
        const crash = summarizeCrash(event.stderrTail.join('\n'));
        const why = event.oomKilled ? OOM_KILLED : crash ? crashHeadline(crash) : lastErrorLine(event.stderrTail);
        // One the primary killed as it did not become ready (a listen timeout) says so: its SIGKILL was the primary's.
        this.#lastError =
          event.notReady === undefined
            ? `${who} crash-looped${why ? `: ${why}` : ''}`
            : `${who} did not become ready: ${event.notReady}${why && !event.notReady.includes(why) ? `; its last stderr line: ${why}` : ''}`;
        this.#reloadFailed = false;
        // No process left, none coming until a reload (the primary waits for one): the slot's last lines came before
        // this event, on the same pipe. The primary's own next words, or a reload, open the files again.
        if (this.#workers.size === 0 && [...this.#downSlots.values()].every((down) => down === 'errored')) {
          this.#logs.release();
        }
        break;
      }
      case 'state':
        if (event.state === 'stopping' || event.state === 'stopped') {
          if (event.state === 'stopped' && event.lastExit !== undefined) this.#ended = true;
          this.#status = 'stopping';
          break;
        }
        if (!this.#wasOnline && event.state !== 'starting') {
          this.#wasOnline = true;
          // Started: a later crash is a crash, restarted as any.
          this.#startRetry = undefined;
          // A slot that crashed before the app was online is one all the same.
          const slots = [...this.#workers.values()].map((w) => w.instance);
          this.#size = new Set([...slots, ...this.#downSlots.keys()]).size;
          onOnline();
        }
        this.#status = event.state;
        break;
    }
  }

  // The restart counts so far: those since `hive reset` for the primary's live views, and all of them for its metrics
  // (`hive_restarts_total`) to go on from. Sent with its first event: by then it listens to IPC (a message that
  // arrives before would be lost).
  #sendCounts(): void {
    if (this.#countsSent || this.spec.fork || !this.#primary) return;
    this.#countsSent = true;
    if (this.#primaryRestartsTotal === 0 && this.#slotRestartsTotal.size === 0) return;
    const slots = Object.fromEntries(this.#slotRestarts);
    const total = { slots: Object.fromEntries(this.#slotRestartsTotal), primary: this.#primaryRestartsTotal };
    this.#primary.send({ hive: 1, type: 'restarts', slots, primary: this.#primaryRestarts, total }, () => {});
  }

  // From the primary's first event on: by then it listens to IPC, and a ping sent before would be lost unanswered.
  #watchPrimary(): void {
    const primary = this.#primary;
    if (this.#watch || !primary) return;
    let unwritten = false;
    this.#watch = new PrimaryWatch(
      reportIntervalOf(this.spec.runArgs),
      () => {
        // A frozen primary reads none: once its socket is full, a ping per tick would queue up in the daemon's
        // memory. One waits unwritten at most.
        if (unwritten) return;
        unwritten = true;
        primary.send({ hive: 1, type: 'ping' }, () => {
          unwritten = false;
        });
      },
      (unresponsive, silentMs) => {
        const text = markText(`primary pid ${primary.pid}`, unresponsive, silentMs, 'no answer');
        this.#log(`${this.name}: ${text}`);
        this.#event('unresponsive', text, null, { unresponsive });
      },
    );
  }

  // One more event for the live views, kept across the app's primaries.
  #event(
    type: AppEvent['type'],
    text: string,
    instance: number | null = null,
    mark: Pick<AppEvent, 'unresponsive'> = {},
  ): void {
    this.#events.push({ time: Date.now(), type, instance, text, ...mark });
    if (this.#events.length > MAX_EVENTS) this.#events.shift();
  }

  #onPrimaryStderr(line: string): void {
    this.#stderrTail.push(line);
    if (this.#stderrTail.length > 20) this.#stderrTail.shift();
    // `hive run: ` is the command speaking; the intro of the lines it quotes is no part of a one-line error.
    if (/^\S/.test(line)) {
      this.#primaryError = [line.replace(/^hive run: /, '').replace(/; its last stderr lines:$/, '')];
      this.#quoting = / its last stderr lines:$/.test(line);
    } else if (this.#primaryError.length > 0 && this.#primaryError.length < MAX_ERROR_LINES)
      this.#primaryError.push(line);
    // A start that failed quotes the worker's last stderr lines (a stack trace): they are in the error log already, as
    // the worker's own, and the reason keeps them; written again, the trace would be there twice. Not those the
    // primary dropped under a log backlog: the quote, from the tail it keeps before its bound, is then the only copy.
    // The app's lines come on the primary's stdout (records), the quote on its stderr (or as a `fatal` record): which
    // is read first depends on the pipes, so a line the app's have not brought yet waits for them (the quote is in an
    // error that ends the primary: until its exit, when both pipes are read to their end).
    if (this.#quoting && /^\s/.test(line)) {
      // Nor the line that says where the quote left lines out (see StderrTail): no line of the app's.
      if (this.#alreadyLogged(line.slice(2)) || isNotKeptLine(line)) return;
      this.#quoted.push(line);
      if (this.#quoted.length > MAX_ERROR_LINES) this.#logs.write('stderr', this.#quoted.shift()!, {}, true);
      return;
    }
    this.#logs.write('stderr', line, {}, true);
  }

  // The quoted lines that the app's own did not bring after all (dropped under a log backlog): the only copy, written.
  #writeQuoted(): void {
    for (const line of this.#quoted) {
      if (!this.#alreadyLogged(line.slice(2))) this.#logs.write('stderr', line, {}, true);
    }
    this.#quoted = [];
  }

  // Whether the app's stderr had `line` (taken: the next quote of the same line needs one more).
  #alreadyLogged(line: string): boolean {
    const at = this.#appStderr.indexOf(line);
    if (at !== -1) this.#appStderr.splice(at, 1);
    return at !== -1;
  }

  // `spawnError`: the primary was never spawned (undefined when fork() threw), for this reason.
  #onExit(
    primary: ChildProcess | undefined,
    code: number | null,
    signal: NodeJS.Signals | null,
    spawnError?: string,
  ): void {
    if (this.#primary !== primary) return;
    this.#primary = undefined;
    this.#lateEnv = undefined;
    // Its last lines, and the quotes of its error, are written by now (the exit handler awaited its pipes).
    this.#logs.release();
    // The processes that ran the older code are gone (a stop, a restart, a delete, a job that ended, a crash), and the
    // next primary loads the files: `stopped (reload failed)` would describe nothing running.
    this.#clearReloadFailed();
    this.#watch?.stop();
    this.#watch = undefined;
    this.#lastSnapshot = undefined;
    this.#endLeftovers(primary?.pid);
    this.#workers.clear();
    this.#downSlots.clear();
    for (const answer of this.#control.values()) answer({ ok: false, message: 'the primary exited' });
    this.#control.clear();
    const how = signal ?? `code ${code}`;
    if (spawnError === undefined) this.#log(`${this.name}: primary pid ${primary?.pid} exited with ${how}`);
    const died =
      spawnError ?? `primary (pid ${primary?.pid}) ${signal ? `killed by ${signal}` : `exited with code ${code}`}`;
    if (this.#wanted === 'stopped') {
      this.#status = 'stopped';
      return;
    }
    // A primary, or a fork-mode program, that cannot be spawned (ENOENT, EACCES) would fail the same way on every
    // restart.
    const spawnFailed = spawnError !== undefined || (this.spec.fork !== undefined && code === FORK_SPAWN_FAILED);
    if ((this.spec.autorestart === false || this.#ended) && this.#wasOnline && !spawnFailed) {
      // A one-shot job finished: stopped until the next `start`, `reload` or cron tick. A primary that said its app
      // ended exits with the last process's code (`hive run`): that is the job's result, not a primary failure.
      this.#status = code === 0 || this.#ended ? 'stopped' : 'errored';
      this.#wanted = 'stopped';
      return;
    }
    const starting = !this.#wasOnline;
    this.#reloadFailed = false;
    this.#lastError = spawnFailed
      ? (spawnError ?? this.#stderrTail.at(-1) ?? `cannot spawn ${this.spec.fork!.command}`)
      : `primary exited with ${how}${this.#stderrTail.length ? `: ${this.#primaryErrorLine()}` : ''}`;
    // A spawn that failed is retried too: at boot, the program may be on a network mount not mounted yet.
    // A start that failed was never up: below any minUptime, 0 included (else each try would reset the count).
    const retry = starting ? this.#startRetry?.onCrash(-1) : undefined;
    if (retry?.action === 'restart') {
      this.#log(`${this.name}: did not start; trying again in ${retry.delay} ms (try ${retry.attempt + 1})`);
      // Counted as a restart by #respawnAfter: the views say why, as for a crash.
      this.#event('primary', `${died}; did not start; trying again in ${retry.delay} ms`);
      this.#respawnAfter(retry.delay);
      return;
    }
    // Counted after the retries of a start: those have their own limit, and do not count as crashes once it is online.
    // A start that fails is a crash in a row however long it took (a listen timeout can outlast minUptime).
    const respawn = this.#respawnPolicy.onCrash(starting ? 0 : Date.now() - this.#startedAt);
    // A command's start fails at once, with its answer; a respawned primary that fails its start is one more crash in
    // a row (what it needs may be coming back too), and a resurrect's tries are over when `retry` is left.
    const failed = retry !== undefined || (starting && !this.#respawning);
    if (failed || spawnFailed || respawn.action === 'errored') {
      if (retry) this.#log(`${this.name}: did not start in ${retry.attempt} tries; errored`);
      this.#event('primary', `${died}; not restarted, the app is errored`);
      this.#startRetry = undefined;
      this.#status = 'errored';
      this.#wanted = 'stopped';
      // Its cron schedule stays: a tick starts an errored app again, as a watched file's change does (and PM2's cron
      // does), so a nightly cron_restart still brings back an app that failed meanwhile.
      return;
    }
    // A primary that dies while online (killed, OOM) comes back, with backoff when it keeps dying.
    this.#event('primary', `${died}; restarting it in ${respawn.delay} ms`);
    this.#respawnAfter(respawn.delay);
  }

  // What a primary that exited left running must not outlive it, nor be beside the next one (a worker or a child of
  // one may hold the app's port). Cluster workers leave when its IPC channel closes, but one whose loop is blocked
  // stays; plain fork-mode processes get the app's stop signal, as at a stop. Both get the app's kill timeout, then
  // SIGKILL. Then, with treekill, what they started: the rest of the primary's process group (see #spawn).
  #endLeftovers(primaryPid: number | undefined): void {
    const recorded: RecordedProcess[] = [];
    for (const [pid, worker] of this.#workers) {
      if (worker.startTime !== undefined && isAppProcessPid(pid, primaryPid))
        recorded.push({ pid, startTime: worker.startTime });
    }
    const killTimeout = this.#killTimeout();
    if (this.spec.fork) signalEach(recorded, (this.spec.killSignal as NodeJS.Signals | undefined) ?? 'SIGINT');
    const ended = (async () => {
      if (recorded.length > 0) await endLeftoverWorkers(recorded, killTimeout);
      if (treekillOf(this.spec.runArgs) && primaryPid !== undefined) await endLeftoverGroup(primaryPid, killTimeout);
    })();
    this.#leftovers = Promise.all([this.#leftovers, ended]).then(() => {});
  }

  // Waits for #endLeftovers; false when a primary was spawned meanwhile (a respawn that waited too).
  async #leftoversEnded(): Promise<boolean> {
    await this.#leftovers;
    // The daemon shut down meanwhile: nothing more starts.
    if (this.#removed) throw this.#goneError();
    return this.#primary === undefined;
  }

  // The app is `starting` until a new primary, forked after `delay`, is online; a stop meanwhile cancels it.
  #respawnAfter(delay: number): void {
    this.#status = 'starting';
    this.#restarts += 1;
    this.#primaryRestarts += 1;
    this.#primaryRestartsTotal += 1;
    this.#respawnTimer = setTimeout(async () => {
      await this.#leftovers;
      if (this.#wanted !== 'online' || this.#primary) return;
      this.#respawning = true;
      const stops = this.#stops;
      this.#spawn().catch((error: Error) => {
        // A stop (restart, delete, the daemon's end) that ended it while it started asked for that: no failure.
        if (this.#stops === stops) this.#log(`${this.name}: respawn failed: ${error.message}`);
      });
    }, delay);
  }

  // The primary's error in one line: its own, and, when what it quotes is not a crash report (whose error that line
  // names already), the last line quoted: an app that exits at start says why there ("DB not reachable yet").
  #primaryErrorLine(): string | undefined {
    const [line, ...quoted] = this.#primaryError;
    if (line === undefined) return this.#stderrTail.at(-1);
    if (summarizeCrash(quoted.join('\n'))) return line;
    const last = lastErrorLine(quoted);
    return last === undefined ? line : `${line}: ${last}`;
  }

  #request(
    message: { type: string; instances?: number | string; requests?: boolean; env?: NodeJS.ProcessEnv },
    onProgress?: (progress: ReloadProgress) => void,
    timeout?: number,
  ): Promise<ControlReply> {
    const primary = this.#primary!;
    const id = this.#nextControlId++;
    // An answer on stdout comes behind the app's lines there: read them at once, not at the pace of the files.
    const hurried = ANSWERED_ON_STDOUT.has(message.type) ? this.#logs.hurry() : undefined;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (reply: ControlReply) => {
        clearTimeout(timer);
        hurried?.();
        this.#control.delete(id);
        this.#progress.delete(id);
        resolve(reply);
      };
      this.#control.set(id, settle);
      if (onProgress) this.#progress.set(id, onProgress);
      if (timeout !== undefined) {
        timer = setTimeout(
          () => settle({ ok: false, message: `no answer within ${timeout} ms`, timedOut: true }),
          timeout,
        );
      }
      primary.send({ hive: 1, id, ...message }, (error) => {
        if (error) settle({ ok: false, message: error.message });
      });
    });
  }

  // Answers to #request (snapshots over IPC, the rest on stdout), and progress of a reload in flight; anything else
  // (a newer primary's messages) is ignored.
  #onPrimaryMessage(message: Record<string, unknown> | null): void {
    if (typeof message?.id !== 'number') return;
    const { id } = message;
    if (message.type === 'control-result') {
      this.#control.get(id)?.({
        ok: message.ok === true,
        message: message.message as string | undefined,
        code: typeof message.code === 'string' ? message.code : undefined,
        size: message.size as number | undefined,
        slots: Array.isArray(message.slots) ? (message.slots as ReloadSlot[]) : undefined,
        applied: Array.isArray(message.applied) ? message.applied.filter((key) => typeof key === 'string') : undefined,
      });
    } else if (message.type === 'prometheus-result') {
      const metrics =
        message.ok === true && Array.isArray(message.metrics) ? (message.metrics as SentMetric[]) : undefined;
      this.#control.get(id)?.({ ok: metrics !== undefined, message: message.message as string | undefined, metrics });
    } else if (message.type === 'snapshot-result') {
      this.#control.get(id)?.({ ok: true, snapshot: (message.snapshot as AppSnapshot | null) ?? null });
    } else if (message.type === 'reload-progress') {
      const { done, total, slot } = message as { done: number; total: number; slot: ReloadSlot };
      this.#progress.get(id)?.({ app: this.name, done, total, slot });
    }
  }

  // Fork-mode processes, and cluster workers as the primary's events left them (no per-request metrics here).
  #knownSnapshot(stats: ProcStats): AppSnapshot {
    const now = Date.now();
    const instances: InstanceSnapshot[] = [...this.#workers]
      .sort((a, b) => a[1].instance - b[1].instance)
      .map(([pid, worker]) => {
        const { cpu, memory } = stats.read(pid);
        return emptyInstance(worker.instance, pid, worker.state, {
          uptime: now - worker.since,
          unresponsive: hung(worker),
          cpu,
          rss: memory,
          restarts: this.#slotRestarts.get(worker.instance) ?? 0,
        });
      });
    for (const [instance, state] of this.#downSlots) {
      instances.push(
        emptyInstance(instance, null, state, {
          restarts: this.#slotRestarts.get(instance) ?? 0,
          lastExit: this.#slotExits.get(instance) ?? null,
        }),
      );
    }
    instances.sort((a, b) => a.instance - b.instance);
    const ready = new Set(instances.filter((i) => i.state === 'ready').map((i) => i.instance)).size;
    return {
      name: this.name,
      state: this.#status,
      size: this.#primary ? Math.max(this.#size, ready) : 0,
      ready,
      // Not counted here, as under --no-http-metrics: null (`-` in the views), which 0 would pass off as no traffic.
      reqRate: null,
      errorRate: null,
      restarts: this.#restarts,
      instances,
      events: [...this.#events],
      requests: [],
      lastError: this.#lastError,
      reloadFailed: this.#reloadFailed,
      primaryUnresponsive: this.#watch?.unresponsive === true,
    };
  }

  // A cron tick or a file change queues a reload; a stop asked before it runs wins (the app stays stopped).
  async #reloadUnlessStopped(onBegin?: () => void): Promise<void> {
    const stops = this.#stops;
    await this.#serially(async () => {
      onBegin?.();
      if (this.#stops === stops) await this.#reload();
    });
  }

  // `warn`: the start's (the CLI's stderr), told of folders that cannot be watched as it starts; later ones go to the
  // daemon's log only.
  #startWatching(warn?: (message: string) => void): void {
    if (this.#watcher || !this.spec.watch?.length) return;
    const { watchDelay } = this.spec;
    const inHome = inHiveHome(hivePaths().home, this.spec.watch);
    let starting = true;
    this.#watcher = new FileWatcher(
      this.spec.watch,
      this.spec.ignoreWatch ?? [],
      (file) => {
        // An errored app (its start failed, or its primary kept dying) is started again: the change may be the fix, as
        // under PM2's watch. One stopped (a finished one-shot job) or being respawned is left alone.
        if (!this.#primary && this.#status !== 'errored') return;
        // A build or a `git pull` that pauses longer than the debounce while a reload runs would otherwise queue a
        // full rolling reload per pause.
        if (this.#watchReloadWaiting) {
          this.#log(`${this.name}: ${file} changed; the reload already waiting will load it`);
          return;
        }
        this.#log(`${this.name}: ${file} changed; reloading`);
        this.#watchReloadWaiting = true;
        let began = false;
        const begin = () => {
          began = true;
          this.#watchReloadWaiting = false;
        };
        this.#reloadUnlessStopped(begin)
          .catch((error: Error) => this.#log(`${this.name}: watch reload failed: ${error.message}`))
          .finally(() => {
            // Refused before it began (the app deleted): it waits no more.
            if (!began) this.#watchReloadWaiting = false;
          });
      },
      watchDelay,
      // Its log files in a watched folder (a config's `outFile: './logs/out.log'`): each line would reload it. So
      // would the daemon's own lines, and other apps', with the home in one (`HIVE_HOME=./home`).
      (path) => this.#logs.writesTo(path) || inHome(path),
      // The folder the log writer makes for them (`out_file: 'logs/out.log'` with no logs/ yet) reloaded the app once.
      (path) => this.#logs.makesFolder(path),
      (message) => this.#warn(message, starting ? warn : undefined),
    );
    starting = false;
  }

  // A config file's watch and cron settings run in the daemon, not in a process: its reload applies them at once,
  // whatever the reload's outcome, as it takes the file as the app's origin. A running app's watcher and schedule are
  // started again with them; a stopped one's are started by the start the reload makes.
  #applySettings(settings: DaemonSettings, configFile: string, warn?: (message: string) => void): void {
    const changed = changedSettings(this.spec, settings);
    if (changed.length === 0) return;
    // A key the file leaves out is no setting: the spec drops it rather than keep the old value.
    const spec = { ...this.spec };
    for (const key of DAEMON_SETTINGS) delete spec[key];
    this.spec = { ...spec, ...settings };
    if (changed.some((key) => WATCH_SETTINGS.includes(key))) {
      this.#watcher?.close();
      this.#watcher = undefined;
      if (this.#primary) this.#startWatching(warn);
    }
    if (changed.includes('cronRestart')) {
      this.#cron?.stop();
      this.#cron = undefined;
      if (this.#primary) this.#scheduleCron();
    }
    this.#log(`${this.name}: ${changed.join(', ')} from ${configFile} applied`);
  }

  #scheduleCron(): void {
    if (this.#cron) return;
    const pattern = this.spec.cronRestart;
    if (!pattern) return;
    this.#cron = new Cron(pattern, { protect: true }, async () => {
      this.#log(`${this.name}: cron restart (${pattern})`);
      await this.#reloadUnlessStopped().catch((error: Error) =>
        this.#log(`${this.name}: cron reload failed: ${error.message}`),
      );
    });
  }
}

// A slot as the live views show it when no per-request metrics come from it: a fork-mode process, a cluster worker as
// the primary's events left it, or a slot with no live process. Its HTTP figures are not counted, as under
// --no-http-metrics (null, `upgradedConnections` absent): zeros would pass off as no traffic. `overrides` sets what
// the daemon does know.
function emptyInstance(
  instance: number,
  pid: number | null,
  state: string,
  overrides: Partial<Omit<InstanceSnapshot, 'instance' | 'pid' | 'state'>> = {},
): InstanceSnapshot {
  return {
    instance,
    pid,
    state,
    uptime: 0,
    cpu: null,
    rss: null,
    heapUsed: null,
    heapTotal: null,
    elu: null,
    loopDelayP50: null,
    loopDelayP99: null,
    reqRate: null,
    errorRate: null,
    latencyP50: null,
    latencyP99: null,
    inFlight: null,
    classes: null,
    restarts: 0,
    lastExit: null,
    pools: [],
    ...overrides,
  };
}

// The shell's environment of the spec (the daemon's for an app of an older dump, which has none), less what its
// `filterEnv` drops, its `env` over it.
function closed(stream: Readable): Promise<unknown> {
  return stream.closed ? Promise.resolve() : once(stream, 'close');
}

/**
 * The fields of a config file's reload the app's primary applies (reload-command.ts): all of them for a cluster app,
 * and for a fork-mode app whose program arguments show where its script and node arguments are (fork-argv.ts); those
 * two not for another.
 */
function reloadKeysOf(spec: AppSpec): readonly ReloadCommandKey[] {
  if (!spec.fork || forkArgv(spec.fork, spec.runArgs) !== undefined) return RELOAD_COMMAND_KEYS;
  return RELOAD_COMMAND_KEYS.filter((key) => !ARGUMENT_KEYS.includes(key));
}

/**
 * The `--max-memory-restart` of an app's `hive run` arguments, in bytes: `hive start` puts it there for every app (the
 * flag, or a config's `maxMemoryRestart`), and a fork-mode primary enforces it too.
 */
function maxMemoryRestartOf(runArgs: string[]): number | undefined {
  const size = runArgFlag(runArgs, 'max-memory-restart');
  return size === undefined ? undefined : parseSize(size, 'maxMemoryRestart');
}

// The `--memory-report-interval` of an app's `hive run` arguments, ms (1 s, `hive run`'s default, without one): what
// the primary's ping bound derives from. Read in the middle of the primary's records, so it never throws: the primary
// checked the flag at its start.
function reportIntervalOf(runArgs: string[]): number {
  return runArgDuration(runArgs, 'memory-report-interval', 1_000);
}

/** `hive run` arguments with the instance count replaced (so a restart or resurrect keeps a `scale`). */
function withInstances(runArgs: string[], instances: number | string): string[] {
  const rest = runArgs.slice(ownRunArgs(runArgs).length);
  const own = ownRunArgsJoined(runArgs).filter((arg) => !arg.startsWith('--instances='));
  return [...own, `--instances=${instances}`, ...rest];
}

// The primary's respawns after the slots.
function slotOrder(slot: number | 'primary'): number {
  return slot === 'primary' ? Number.MAX_SAFE_INTEGER : slot;
}

/** The spec as the app keeps it: `addedEnv` is for the start that brings it only (see the schema). */
function keptSpec({ addedEnv: _, ...spec }: AppSpec): AppSpec {
  return withDaemonNode(spec);
}

// Code-unit order, as `env | LC_ALL=C sort`: the same on every machine, whatever its locale.
function sortedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const keys = Object.keys(env).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sorted: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined) sorted[key] = value;
  }
  return sorted;
}
