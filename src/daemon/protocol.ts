import { z } from 'zod';
import { envVariableProblem } from '../env-variable.js';
import { APP_NAME_PATTERN, APP_NAME_RULE } from './app-name.js';
import { appSignalProblem } from './app-signal.js';
import { parseRotationSetting } from './log-rotation.js';
import { parseScaleCount } from './scale-count.js';

/**
 * The control protocol between the CLI and the daemon: one JSON object per line over the unix socket, each request
 * `{ v, hive, rev, id, cmd, ... }` answered by `{ v, hive, rev, id, ok, result | error }`. `v` is the protocol version;
 * `hive` the sender's Hive version and `rev` its protocol revision (protocol-revision.ts: a hash of this module as
 * built). A CLI of another version or revision is refused, except for `ping` and `kill`, which it sends without `rev`.
 */
export { ANY_BUILD_COMMANDS, MAX_MESSAGE_BYTES, PROTOCOL_VERSION } from './protocol-version.js';

const name = z.string().regex(APP_NAME_PATTERN, APP_NAME_RULE);

/** What the daemon needs to run an app: the `hive run` arguments and the process context the CLI resolved. */
export const appSpecSchema = z
  .object({
    name,
    /**
     * PM2's namespace; absent is `default` (left out of a dump then, so that a Hive from before namespaces reads it).
     */
    namespace: name.optional(),
    /** The entry script or config file as the user named it (for `ls`/`describe`). */
    script: z.string().min(1).max(4096),
    cwd: z.string().min(1).max(4096),
    /**
     * The config file the app was started from (absolute, as the CLI named it); absent for a script's app. Another
     * project's file that takes the app over is warned about (app-origin.ts).
     */
    configFile: z.string().min(1).max(4096).optional(),
    /** Arguments of `hive run` (script first). */
    runArgs: z.array(z.string().max(65536)).max(1000),
    env: z.record(z.string(), z.string()),
    /**
     * The names in `env` that Hive set, not the user (a fork-mode app's `port` as PORT, a python app's
     * PYTHONUNBUFFERED, `--threads` as HIVE_POOL_THREADS): `env` less these is the env the config file gives the app,
     * which decides whether the app takes the starting shell's environment again (hasOwnEnv). Absent: none. Read by
     * the start that brings the spec, not kept by the daemon: a dump with it would fail a resurrect by an older Hive.
     */
    addedEnv: z.array(z.string().min(1).max(256)).max(16).optional(),
    /**
     * The environment of the `hive start` that added the app (PM2 takes the starting shell's too): the app's processes
     * get it, with `env` over it, on every restart and after a resurrect. Absent (an older dump): the daemon's own.
     */
    shellEnv: z.record(z.string(), z.string()).optional(),
    /**
     * PM2's `filter_env`: what of `shellEnv` the app does not get (filter-env.ts): all of it (`true`), the variable of
     * that name, or those whose names contain one of the strings. Applied where the environment is made, so that an
     * `--update-env` and a resurrect are filtered too.
     */
    filterEnv: z
      .union([z.boolean(), z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(1000)])
      .optional(),
    /** Instances as asked (`max`, `-1`, a number); the primary resolves it. */
    instances: z.string().max(16),
    cronRestart: z.string().max(256).optional(),
    outFile: z.string().max(4096).optional(),
    errorFile: z.string().max(4096).optional(),
    /** A third file that gets both streams' lines (PM2's `log_file`); true: `<logs>/<name>.log`. */
    logFile: z.union([z.string().min(1).max(4096), z.literal(true)]).optional(),
    /** Prefix log lines with an ISO timestamp. */
    time: z.boolean().optional(),
    /** The dayjs format of each log line's time (PM2's `log_date_format`); set, lines carry it, whatever `time`. */
    logDateFormat: z.string().min(1).max(256).optional(),
    /** false: a file per instance for its lines, unprefixed (PM2's `merge_logs` unset); default one for all. */
    mergeLogs: z.boolean().optional(),
    /** Format of the log files: `text` (default, `[name:instance] line`) or `json` (one object a line). */
    logFormat: z.enum(['text', 'json']).optional(),
    /** The app's own log rotation (rotating-file-stream's options), over the daemon's `HIVE_LOG_*`. */
    logRotation: z
      .object({
        size: z.string().max(16).refine(validRotation('size'), 'a size such as 10M').optional(),
        maxFiles: z.number().int().min(1).max(999_999).optional(),
        compress: z.boolean().optional(),
        interval: z.string().max(16).refine(validRotation('interval'), 'an interval such as 1d').optional(),
      })
      .strict()
      .optional(),
    /** Fork mode: plain processes running this command instead of a `hive run` cluster. */
    fork: z
      .object({
        command: z.string().min(1).max(4096),
        args: z.array(z.string().max(65536)).max(1000),
        /**
         * Set when Hive chose the interpreter (no `interpreter`, or `node`): `command` is the Node.js that ran `hive`,
         * which the daemon replaces with its own at every start, as a cluster app's; `tsx`: `args` also begin with
         * `--import <tsx loader>` that Hive added for a TypeScript script, which the daemon replaces with its own.
         * Unset: a program the user named, run as given.
         */
        hiveNode: z.enum(['node', 'tsx']).optional(),
      })
      .strict()
      .optional(),
    /** false: a process that exits is not restarted (fork mode; one-shot and cron jobs). */
    autorestart: z.boolean().optional(),
    /**
     * PM2's `autostart`: false adds the app stopped (its cron scheduled: a tick starts it), at a start and at a
     * resurrect; `hive start <name>` starts it. An app the daemon has already is not started by a new spec either.
     */
    autostart: z.boolean().optional(),
    /** Folders whose changes trigger a rolling reload (absolute), and what to ignore in them. */
    watch: z.array(z.string().min(1).max(4096)).max(100).optional(),
    ignoreWatch: z.array(z.string().max(4096)).max(100).optional(),
    /** PM2's `watch_delay`: ms the watched files must stay quiet after a change before the reload (default 500). */
    watchDelay: z.number().int().min(0).max(2_147_483_647).optional(),
    /** Fork mode: how long a process may take to exit after its stop signal, ms. */
    killTimeout: z.number().int().min(0).max(3_600_000).optional(),
    /** Fork mode: the stop signal (PM2's kill_signal; default SIGINT). */
    killSignal: z
      .string()
      .regex(/^SIG[A-Z0-9]+$/)
      .max(16)
      .optional(),
  })
  .strict();

/** One app as the CLI asks for it. */
export type AppSpec = z.infer<typeof appSpecSchema>;

const header = {
  v: z.number(),
  hive: z.string().max(64),
  // Absent from `ping` and `kill` (ANY_BUILD_COMMANDS), which a daemon from before revisions would refuse with it.
  rev: z.string().max(64).optional(),
  id: z.number().int().nonnegative(),
};
const target = z.string().min(1).max(128);
/**
 * How a target is read: by default `all`, an id, else a name, else a namespace (its apps, as PM2's); `name` (the apps
 * of a config file, as PM2 matches them) and `id` (targets the CLI resolved up front) only that, so that an app named
 * `0` is never app 0 and back.
 */
const by = z.enum(['id', 'name']).optional();

/**
 * An app's own env as a request brings it: a variable that cannot reach the app (env-variable.ts: an empty
 * name, `=` or NUL in it, NUL in the value, `__proto__`) is refused on arrival, as the CLI refuses it, whoever sends
 * it. Requests only, not the app spec itself: a dump saved before this check must still resurrect.
 */
const requestEnv = z
  .unknown()
  // On the message as decoded: the record strips an own `__proto__` (JSON.parse makes one) by design.
  .superRefine((env, context) => {
    if (typeof env !== 'object' || env === null) return;
    for (const [name, value] of Object.entries(env)) {
      const problem = envVariableProblem(name, value);
      if (problem !== undefined) context.addIssue({ code: 'custom', path: [name], message: problem });
    }
  })
  .pipe(z.record(z.string(), z.string()));

function isScaleCount(value: number | string): boolean {
  try {
    parseScaleCount(value);
    return true;
  } catch {
    return false;
  }
}

export const requestSchema = z.discriminatedUnion('cmd', [
  z.object({ ...header, cmd: z.literal('ping') }).strict(),
  z.object({ ...header, cmd: z.literal('ls') }).strict(),
  z.object({ ...header, cmd: z.literal('save') }).strict(),
  /** `steps`: a progress frame per app as each started app is done (as stop's), for a terminal's progress lines. */
  z.object({ ...header, cmd: z.literal('resurrect'), steps: z.boolean().optional() }).strict(),
  z.object({ ...header, cmd: z.literal('kill') }).strict(),
  /**
   * `replace`: an app of that name that runs is stopped and takes `app` (a config file started again, as PM2), keeping
   * the environment it was started with unless `updateEnv` (`--update-env`): then it takes `app.shellEnv`.
   */
  z
    .object({
      ...header,
      cmd: z.literal('start'),
      app: appSpecSchema.extend({ env: requestEnv }),
      replace: z.boolean().optional(),
      updateEnv: z.boolean().optional(),
    })
    .strict(),
  z.object({ ...header, cmd: z.literal('describe'), target }).strict(),
  /** `hive env`: the environment one app's processes are started in (see {@link EnvResult}); `all` is refused. */
  z.object({ ...header, cmd: z.literal('env'), target }).strict(),
  /** Empties log files: the target's apps', or (no target, or `all`) every app's and daemon.log. */
  z.object({ ...header, cmd: z.literal('flush'), target: target.optional() }).strict(),
  /**
   * `hive reloadLogs` (logrotate's `postrotate`): every app's log file moved or removed is opened again at its path.
   */
  z.object({ ...header, cmd: z.literal('reloadLogs') }).strict(),
  /** The live views' `HiveSnapshot` (metrics/snapshot.ts): every app, or the target's. */
  // `requests`: the caller shows sampled requests (the dashboard): primaries sample while such snapshots come.
  z
    .object({ ...header, cmd: z.literal('snapshot'), target: target.optional(), requests: z.boolean().optional() })
    .strict(),
  /** `reset`: zeroes the apps' restart counters (`restarts` of `ls`), as `pm2 reset`. */
  z.object({ ...header, cmd: z.enum(['delete', 'reset']), target, by }).strict(),
  /** `steps`: a progress frame per app as each is done ({@link AppStep}), for a terminal's progress lines. */
  z.object({ ...header, cmd: z.literal('stop'), target, by, steps: z.boolean().optional() }).strict(),
  /**
   * `shellEnv`: `hive restart|reload --update-env`, the app's new shell environment (see the app spec's). `env`
   * (reload only: `hive startOrReload`): the app's `env` as its config file gives it now, replacing the spec's.
   */
  z
    .object({
      ...header,
      cmd: z.literal('restart'),
      target,
      by,
      shellEnv: z.record(z.string(), z.string()).optional(),
      steps: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      ...header,
      cmd: z.literal('reload'),
      target,
      by,
      steps: z.boolean().optional(),
      shellEnv: z.record(z.string(), z.string()).optional(),
      env: requestEnv.optional(),
      // A config file's reload (`hive reload <config>`, startOrReload): the app's origin from now on (app-origin.ts).
      origin: z
        .object({
          configFile: z.string().min(1).max(4096),
          script: z.string().min(1).max(4096),
          cwd: z.string().min(1).max(4096),
          // The `hive run` arguments the file gives the app now, and its names of their options: the reload keeps the
          // running ones, and says which the file changes (keptOptionsWarning). Absent from an older CLI's.
          runArgs: z.array(z.string().max(65536)).max(1000).optional(),
          optionNames: z
            .record(z.string().max(64), z.string().max(256))
            .refine((names) => Object.keys(names).length <= 100, 'at most 100 option names')
            .optional(),
          // The file's watch and cron settings, which the daemon itself applies (a key absent: the file sets none);
          // absent from an older CLI's, whose reload leaves the app's as they are.
          settings: appSpecSchema
            .pick({ watch: true, ignoreWatch: true, watchDelay: true, cronRestart: true })
            .optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  /**
   * `hive sendSignal`: a signal, by name (`SIGUSR2`) or number (a realtime one Node has no name for), to each process
   * of one app (never `all`); see app-signal.ts for what is refused.
   */
  z
    .object({
      ...header,
      cmd: z.literal('signal'),
      target: target.refine((value) => value !== 'all', {
        message: 'sendSignal takes one app, by name or id, not all',
      }),
      signal: z.union([z.string().max(32), z.number()]).superRefine((value, context) => {
        const problem = appSignalProblem(value);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      }),
    })
    .strict(),
  z
    .object({
      ...header,
      cmd: z.literal('scale'),
      target,
      // What `hive scale` takes (scale-count.ts: a count, or +N / -N of the current one; never 0: `-i 0` means max,
      // PM2's `scale app 0` deletes the app), checked on arrival, so that another client cannot ask for what the CLI
      // refuses.
      instances: z.union([z.number(), z.string().max(16)]).refine(isScaleCount, {
        message: 'expected a positive integer, "max", or +N / -N',
      }),
    })
    .strict(),
]);

/** A validated control request. */
export type Request = z.infer<typeof requestSchema>;
/** Request commands. */
export type Command = Request['cmd'];
/** How a stop, restart, reload or delete reads its target (`by`): see the schema. */
export type TargetKind = z.infer<typeof by>;

/** The daemon's answer to one request. */
export type Response =
  | { v: number; hive: string; rev?: string; id: number | null; ok: true; result: unknown }
  | { v: number; hive: string; rev?: string; id: number | null; ok: false; error: { code: string; message: string } };

/**
 * A step of a long request (a reload's slots), sent before its {@link Response} with the same id; a client that
 * does not care ignores it.
 */
export interface ProgressFrame {
  v: number;
  hive: string;
  rev?: string;
  id: number;
  progress: unknown;
}

/** A process of an app, as `ls`/`describe` report it. */
export interface ProcessInfo {
  /** `primary` for the `hive run` process, else the worker's instance number. */
  role: 'primary' | 'worker';
  instance: number | null;
  pid: number;
  state: string;
  /**
   * A worker its primary marked unresponsive: no report for 3 report intervals, its event loop looks blocked (the
   * state stays `ready`); for the primary, the app's {@link AppInfo.primaryUnresponsive}. Absent from an older daemon's
   * listing.
   */
  unresponsive?: boolean;
  /** Percent of one core since the previous sample. */
  cpu: number | null;
  /** Resident memory, bytes. */
  memory: number | null;
  uptime: number;
  /**
   * Restarts of this process's slot since the app's last `hive reset` (PM2's per-process `restart_time`): a worker's
   * are its instance's crashes and kills, the primary's its own respawns (each of which restarted every worker too).
   * The app's `restarts` counts both (and those of slots a scale removed since). Absent from an older daemon's listing.
   */
  restarts?: number;
  /**
   * Where a cluster worker's app server listens, as the runtime in it reported when it became ready (the address as
   * the app gave it: `0.0.0.0`, `::`, `127.0.0.2`); null for the primary, a fork-mode process, a server on a Unix
   * socket, or a process that reported none.
   */
  listen: ListenAddress | null;
}

/** An address and port a process listens on. */
export interface ListenAddress {
  address: string;
  port: number;
  /**
   * The protocol its server speaks (runtime/protocol.ts's `ServerKind`: `http`, `https`, `h2c`, `h2`, `h2-http1`,
   * `tls`, `tcp`), as the runtime reported it; absent from an older runtime, primary or daemon.
   */
  kind?: string;
}

/** A slot of a cluster with no process, as `ls --json` and `describe` list it. */
export interface IdleSlot {
  instance: number;
  state: 'restarting' | 'errored';
  /**
   * How its last process ended (epoch ms, exit code or signal, and `notReady`: why the primary killed it before it
   * became ready); null if the daemon did not see it.
   */
  lastExit: { time: number; code: number | null; signal: string | null; notReady?: string } | null;
  /**
   * Restarts of the slot since the app's last `hive reset`, as a process's (see {@link ProcessInfo.restarts}). Absent
   * from an older daemon's listing.
   */
  restarts?: number;
}

/** One slot of a rolling reload, as `hive reload` reports it. */
export interface ReloadSlot {
  instance: number;
  /**
   * The process the reload retired from the slot (in a cluster, the crash restart of the one it had if that one died
   * during the reload); null when it had none (restarting, errored).
   */
  oldPid: number | null;
  /** Its replacement, which serves the slot once the reload is done; null when the reload stopped before this slot. */
  newPid: number | null;
  /** Milliseconds from the replacement's fork to its ready signal; null without one. */
  readyMs: number | null;
}

/** A `reload` request's progress frame: one slot done, of `total`, in the app. */
export interface ReloadProgress {
  app: string;
  done: number;
  total: number;
  slot: ReloadSlot;
}

/**
 * A `stop`, `restart`, `reload` or `resurrect` request's progress frame (`{ step }`) when it asked for them (`steps`):
 * one app of its target done, as each is (`hive restart all` takes its apps in turn for tens of seconds; a resurrect,
 * each app it starts). `error`: the message of
 * the app's failure; `ms`: how long its turn took.
 */
export interface AppStep {
  /** The app's id; -1 for an app of a resurrect that could not even be added. */
  id: number;
  name: string;
  ms: number;
  error?: string;
}

/** A `signal` request's result: the app, and the processes the signal was sent to. */
export interface SignalResult {
  id: number;
  name: string;
  /** As asked: a name, or a number Node has no name for. */
  signal: string | number;
  pids: number[];
}

/**
 * An `env` request's result: the environment the app's processes are started in, as its spec gives it (the shell's of
 * `hive start` or of the last `--update-env`, its config's `env` over it), keys sorted. The variables each process
 * gets from its primary (HIVE_INSTANCE, NODE_APP_INSTANCE...) are not in it.
 */
export interface EnvResult {
  id: number;
  name: string;
  env: Record<string, string>;
  /**
   * The app's own env alone (`--env`, a config file's `env`, and what Hive derives from its options such as
   * HIVE_POOL_THREADS), keys sorted: none of the shell's, whose variables may be any secret of the user's.
   * `hive deploy --app` writes these into a recipe.
   */
  own: Record<string, string>;
}

/** An app's log files a `flush` emptied (regular files only: a pipe or a device is left alone). */
export interface FlushedApp {
  name: string;
  files: string[];
}

/** A `flush` request's result: the apps' files, and daemon.log when it was emptied too (else null). */
export interface FlushResult {
  apps: FlushedApp[];
  daemonLog: string | null;
}

/** A `reloadLogs` request's result: the log files opened again, those that had been moved or removed. */
export interface ReloadLogsResult {
  reopened: string[];
}

/** One file the app's out or error lines are in, as `ls --json` and `hive logs` list it. */
export interface AppLogFile {
  stream: 'out' | 'err';
  path: string;
  /** The instance whose lines the file holds (`mergeLogs: false`); null: every instance's, or the primary's own. */
  instance: number | null;
  /** Its lines are the app's as written (no `[name:instance] ` prefix; a `time` one kept): the file says which. */
  raw: boolean;
}

/** One row of the app table. */
/** An app's settings as its primary runs them, defaults filled in; durations in ms, sizes in bytes. */
export interface AppSettings {
  /** The instance count asked for (`max`, `4`, `-1`). */
  instances: string;
  /** The script's arguments. */
  args: string[];
  /**
   * The port Hive was given for the app (its PORT, which a cluster's primary enforces): a cluster app's `--port`, else
   * the PORT of its own env (`--env`, a config's `env`, `port`), or any PORT with `increment_var` PORT; null when none
   * is given. A PORT the app merely inherited is `inheritedPort`.
   */
  port: number | null;
  /**
   * The PORT of the environment the app inherited (the shell's of `hive start`), when no port is given: its processes
   * are told it, but may listen elsewhere (its primary only prefers it), so where they do listen is
   * {@link ProcessInfo.listen}. Null when a port is given, or the environment has none.
   */
  inheritedPort: number | null;
  /** PM2's `increment_var` PORT (cluster mode): each instance is told `port` plus its instance number. */
  portPerInstance: boolean;
  /**
   * The Node.js flags the app's processes run with: a cluster's `--node-args`, a fork-mode program's flags before its
   * script. `hive edge nginx --app` reads the inspector's ports from them.
   */
  nodeArgs: string[];
  /**
   * How connections on the port reach a cluster's processes (`--balance`, default `rr`): unused with `sticky`, where
   * the primary's router deals them. Null in fork mode.
   */
  balance: 'rr' | 'os' | 'reuseport' | null;
  /** A cluster app's sticky mode (`ip`, `header:<name>`, `cookie:<name>`); null: none, or fork mode. */
  sticky: string | null;
  /** A fork-mode app's program (node, python3, the executable itself); null in cluster mode. */
  command: string | null;
  autorestart: boolean;
  /** Null: a value the primary refuses (it then exits at once). */
  maxRestarts: number | null;
  minUptime: number | null;
  restartDelay: number | null;
  expBackoffRestartDelay: number | null;
  /** Null: no limit. */
  maxMemoryRestart: number | null;
  killTimeout: number;
  /**
   * How often a cluster app's processes report memory and metrics (`--memory-report-interval`, default 1 s; 0: no
   * reports, so no worker is marked unresponsive). Null in fork mode (no reports), or a value the primary refuses.
   */
  memoryReportInterval: number | null;
  /**
   * How long a draining cluster process leaves a kept-alive connection idle before closing it (`--drain-idle-grace`,
   * `drainIdleGrace`; default 1 s). Null in fork mode (no drain), or a value the primary refuses; absent from an older
   * daemon's settings.
   */
  drainIdleGrace?: number | null;
  /**
   * The idle keep-alive timeout of a cluster app's HTTP servers (`--keep-alive-timeout`, `keepAliveTimeout`). Null:
   * node's default (5 s) stands (none given, fork mode, or a value the primary refuses); absent from an older
   * daemon's settings.
   */
  keepAliveTimeout?: number | null;
  /**
   * How long a new process may take to become ready (`--listen-timeout`, PM2's `listen_timeout`; default 10 s), both
   * modes. Null: a value the primary refuses; absent from an older daemon's settings.
   */
  listenTimeout?: number | null;
  /**
   * Whether a cluster app's processes count HTTP requests (false: `--no-http-metrics`, `httpMetrics: false`). Null in
   * fork mode (no runtime); absent from an older daemon's settings.
   */
  httpMetrics?: boolean | null;
  /** A fork-mode app's stop signal; null in cluster mode (Hive drains the process). */
  killSignal: string | null;
  treekill: boolean;
  waitReady: boolean;
  /** With `watch` only. */
  ignoreWatch: string[];
  /** With `watch` only; else null. */
  watchDelay: number | null;
  /** A cluster app's `--socket` (absolute); null without one, or in fork mode. */
  socket: string | null;
}

export interface AppInfo {
  id: number;
  name: string;
  /** PM2's namespace: `default` unless the app set one. */
  namespace: string;
  script: string;
  cwd: string;
  mode: 'cluster' | 'fork';
  status: 'starting' | 'online' | 'reloading' | 'stopping' | 'stopped' | 'errored';
  ready: number;
  /** Ready workers marked unresponsive (see ProcessInfo); absent from an older daemon's listing. */
  unresponsive?: number;
  /**
   * The app's primary left the daemon's ping unanswered past its bound (3 report intervals, at least 3 s): frozen
   * (SIGSTOP) or its event loop blocked; `status` stays the app's state, its figures are the last it gave. Absent from
   * an older daemon's listing.
   */
  primaryUnresponsive?: boolean;
  total: number;
  /**
   * The processes the app asks for (`instances`), `max` and `-1` resolved by the daemon: the cores of its cgroup, where
   * the app's processes run, not the CLI's. 0 when the count cannot be read. Absent from an older daemon's listing.
   */
  configuredInstances?: number;
  restarts: number;
  /** Milliseconds since the primary started; 0 when stopped. */
  uptime: number;
  /**
   * Milliseconds since the app's youngest process (a worker, or a fork-mode app's process) started, what `hive ls`
   * shows as uptime: a process that restarted 10 s ago makes it 10 s, as PM2's per-process uptime does. 0 while a slot
   * has no process (restarting, errored) or the app has none (starting, stopped). Each process's is in `processes`.
   */
  processUptime: number;
  cpu: number | null;
  memory: number | null;
  processes: ProcessInfo[];
  /**
   * The cluster's slots that have no process now (PM2 lists an errored process as a row): `restarting` while a crash
   * restart waits for its delay, `errored` once it crash-looped. A slot a scale removed is not one.
   */
  idleSlots: IdleSlot[];
  outFile: string;
  errorFile: string;
  /** The file that gets both streams' lines (`logFile`), or null. */
  logFile: string | null;
  /** false: each instance's lines are in a file of its own (`mergeLogs: false`), `logs` lists them. */
  mergeLogs: boolean;
  /** Every file of the app's out and error lines: outFile and errorFile, or the per-instance ones. */
  logs: AppLogFile[];
  cronRestart: string | null;
  /**
   * When the cron schedule next reloads the app (ISO 8601), or null: no schedule, or the app is stopped. Absent from an
   * older daemon's listing.
   */
  nextCronRun?: string | null;
  watch: string[] | null;
  /** What the app runs with (`hive describe`): see AppSettings. */
  settings: AppSettings;
  lastError: string | null;
  /**
   * The app's last reload failed (a replacement did not become ready, or its primary did not answer), whoever asked
   * (`hive reload`, a watched file, a cron tick): its processes run the code they loaded before, not the files' now, and
   * `lastError` says why (`reload failed: ...`). `status` stays the app's state. Cleared by a reload that succeeds and by
   * the primary's exit (a stop, a restart, a delete, a crash): a stopped app runs no older code. Absent from an older
   * daemon's listing.
   */
  reloadFailed?: boolean;
  /** URL of the app's Prometheus endpoint (`metricsPort`) while its primary serves one, else null. */
  metrics: string | null;
  /**
   * In the results of the commands that retire processes (`stop`, `restart`, `delete`, `reload`, `scale`) only: how
   * many of the app's processes were SIGKILLed at killTimeout while the command ran on it, as their drain did not end
   * (a request that never finished, a shutdown hook that hung); the primary's `killed` events, daemon.log's "overran
   * killTimeout" lines. Absent when there were none, and from an older daemon's results.
   */
  killed?: number;
  /** In `reload` results only: each slot's old and new process. */
  reload?: ReloadSlot[];
  /**
   * In `resurrect` results only: true for an app this resurrect started (or added stopped, or tried to start), false
   * for one of the dump the daemon had already (running, or started by a resurrect asked before), left as it was.
   */
  resurrected?: boolean;
}

// A rotation option rotating-file-stream takes (it throws on others when the file is opened).
function validRotation(key: 'size' | 'interval'): (value: string) => boolean {
  return (value) => {
    try {
      return parseRotationSetting(key, value, key) === value;
    } catch {
      return false;
    }
  };
}
