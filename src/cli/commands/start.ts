import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { SupervisorOptions } from '../../cluster/options.js';
import { parseDuration } from '../../cluster/units.js';
import { appKey } from '../../config/app-key.js';
import type { AppConfig } from '../../config/app-schema.js';
import { configFileNames, findConfigFile, isConfigFile } from '../../config/config-file-name.js';
import { cwdProblem } from '../../config/cwd-problem.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { checkAppPoolThreads, hasOwnEnv } from '../../daemon/app-environment.js';
import { appNameProblem, DEFAULT_NAMESPACE, namespaceProblem } from '../../daemon/app-name.js';
import type { DaemonClient } from '../../daemon/client.js';
import { DaemonUnreachableError } from '../../daemon/errors.js';
import { appLogRotation } from '../../daemon/log-rotation.js';
import type { AppInfo, AppSpec } from '../../daemon/protocol.js';
import { envVariableProblem } from '../../env-variable.js';
import { logicalCwd, logicalPath } from '../../logical-path.js';
import { appTable, slotTable } from '../app-output.js';
import { appSteps } from '../app-steps.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from '../daemon-command.js';
import { warningsTo } from '../daemon-warning.js';
import { errorLine } from '../error-line.js';
import { failedStartApp } from '../failed-start.js';
import { addForkEnv, assertAppScript, forkCommand, hasInterpreterExtension } from '../fork-command.js';
import { fleetApps, freshApps } from '../fresh-apps.js';
import { parsePort } from '../integer-flag.js';
import { onlyNames, pickApps } from '../only-apps.js';
import { refusePm2OnlyFlags } from '../pm2-only-flags.js';
import { checkPortFlags, formatNodeArgs, joinDashedValues, parseNodeArgs } from '../run-args.js';
import { shellEnv } from '../shell-env.js';
import { terminalColumns } from '../table-fit.js';
import { takenOver } from '../taken-over.js';
import { type WatchFlagValues, watchFlagName, watchPathsArg, watchSpec } from '../watch-flags.js';

const usage = `Usage: hive start <script|config|name|id|namespace|all> [options] [-- <script args>]
       hive start <name|id|namespace>... [--update-env] [--json]

Starts an app (or every app of a hive.config.* / PM2 ecosystem file) under the daemon, one \`hive run\` primary each;
with no argument, the config file of the current folder (hive.config.*, ecosystem.config.*, as \`pm2 start\`).
A config file given again restarts its apps the daemon has with the file's current options, in the environment they
were started with unless --update-env (as PM2), and starts the others. The name or id of an app the daemon has (or
all: every app; a namespace: its apps) starts it, or restarts it if it runs (as PM2); with it, no option but
--update-env and --json. Several such targets start each (\`hive start api worker\`, as PM2).

Options:
  -i, --instances <n|max|-1>     processes (default max; 0 is max too, as PM2)
      --name <name>              app name (default: the script's base name); scripts only
      --namespace <ns>           the app's namespace (default: default); a config's apps that set none
      --env <KEY=VALUE|name>     for a script: extra environment, repeatable; for a config: pick env_<name>
      --only <names>             config: start only these apps (comma-separated, or repeat the flag)
      --threads <n>              threads of each process's shared pool (HIVE_POOL_THREADS)
      --max-memory-restart <size>  replace a process over this RSS, e.g. 300M
      --memory-report-interval <duration>  how often processes report memory and metrics (default 1s; 0 = off); a
                                 worker silent for 3 intervals (at least 3s) is marked unresponsive
      --cron-restart <cron>      rolling reload on a schedule, e.g. "0 3 * * *"
  -p, --port <port>              the app's port (PORT)
      --socket <path>            the app's HTTP server also accepts on this Unix socket (for nginx on this machine)
      --socket-mode <mode>       the socket file's mode, octal (default 660)
      --socket-group <group>     the socket file's group (e.g. www-data), so that 660 lets nginx in
      --node-args <args>         Node.js flags of the app processes (quotes keep a flag with spaces whole)
      --wait-ready               ready on ready() from hive/runtime rather than on listen
      --sticky <ip|header:<name>|cookie:<name>>  route each client to a stable process (WebSocket apps; needs --port)
      --balance <rr|os|reuseport>  how the processes share the port (default rr), as hive run
      --listen-timeout <duration>  how long a new process may take to become ready (default 10s)
      --kill-timeout <duration>  how long a retiring process may drain before SIGKILL (default 5s)
      --drain-idle-grace <duration>  idle time after which a draining process closes a keep-alive connection (1s)
      --keep-alive-timeout <duration>  idle time after which the app's HTTP servers close a keep-alive connection
                                 (node's 5s); above a proxy's own (ingress-nginx, a cloud load balancer: 60s)
      --max-restarts <n>         crashes in a row, each before --min-uptime, before the app is errored (default 10)
      --min-uptime <duration>    uptime after which a process counts as stable (default 1s)
      --restart-delay <duration> fixed delay before restarting a crashed process (turns the backoff off)
      --exp-backoff-restart-delay <duration>  first backoff delay, x1.5 per crash in a row (default 100ms)
      --stop-exit-codes <codes>  exit codes after which a process is not restarted, e.g. 0,3
      --time                     timestamp each log line
      --log-date-format <format> timestamp each log line in this dayjs format, e.g. "YYYY-MM-DD HH:mm Z"
  -o, --output <path>            the app's stdout log file (default $HIVE_HOME/logs/<name>-out.log); scripts only
  -e, --error <path>             the app's stderr log file (default $HIVE_HOME/logs/<name>-error.log); scripts only
  -l, --log [path]               a third log file with both the stdout and the stderr lines (alone:
                                 $HIVE_HOME/logs/<name>.log, as PM2's); scripts only
      --log-format <text|json>   log files: [name:instance] lines (default), or one JSON object a line
      --no-merge-logs            a log file per instance (<name>-out-<n>.log), its lines as the app wrote them
      --merge-logs               one out and one error file for all instances (the default; PM2's flag)
      --metrics-port <port>      serve /metrics (Prometheus), /healthz and /readyz on this port (0: any free one)
      --metrics-host <host>      address of the metrics port (default 127.0.0.1)
      --server-timing            a Server-Timing header (total, pool time, request id) on the app's responses
      --no-http-metrics          do not count HTTP requests: no http_* series, req/s or latency (PM2's --no-pmx)
      --watch[=<dirs>]           rolling reload when files change (default: the script's folder; node_modules and
                                 dot files ignored)
      --ignore-watch <path>      a name, path or glob (*.log, tmp/**) the watcher ignores (repeatable)
      --watch-delay <delay>      quiet time after a change before the reload: seconds (PM2's), or 500ms, 2s
      --filter-env <string>      leave out of the app the shell variables whose names contain it (repeatable)
      --interpreter <prog|none>  fork mode: run the script with this program (python3), or as an executable (none);
                                 default: a non-executable .sh bash, .py python3, .rb ruby, .php php, .pl perl
  -x, --execute-command          fork mode for a .js/.ts script (PM2's): plain processes, no port to wait for
      --no-autorestart           do not restart a process that exits (one-shot jobs; with --cron-restart)
      --no-autostart             add the app(s) stopped: \`hive start <name>\` or a --cron-restart tick starts them
      --no-treekill              leave the processes an app process started running when it is stopped (PM2's)
  -a, --update-env               a config file's apps, or an app by name or id, that the daemon has: restart them in
                                 this shell's environment (as hive restart --update-env)
      --json                     print the started apps as JSON

HIVE_HOME: the daemon's folder (default ~/.hive), its logs/ the apps' log files.`;

// What the daemon's protocol (daemon/protocol.ts) takes of --log-date-format and each --filter-env, and how many of
// those.
const MAX_FLAG_TEXT = 256;
const MAX_FILTER_FLAGS = 1000;

const passThrough = {
  'max-memory-restart': '--max-memory-restart',
  'memory-report-interval': '--memory-report-interval',
  port: '--port',
  'node-args': '--node-args',
  'metrics-port': '--metrics-port',
  'metrics-host': '--metrics-host',
  'socket-mode': '--socket-mode',
  'socket-group': '--socket-group',
  // The cluster options a config file sets per app (runFlags below), passed on as written: checkRunArgs reads them
  // with `hive run`'s own parser, the one the config's keys reach the primary through.
  sticky: '--sticky',
  balance: '--balance',
  'listen-timeout': '--listen-timeout',
  'kill-timeout': '--kill-timeout',
  'drain-idle-grace': '--drain-idle-grace',
  'keep-alive-timeout': '--keep-alive-timeout',
  'max-restarts': '--max-restarts',
  'min-uptime': '--min-uptime',
  'restart-delay': '--restart-delay',
  'exp-backoff-restart-delay': '--exp-backoff-restart-delay',
  'stop-exit-codes': '--stop-exit-codes',
} as const;

const startOptions = {
  instances: { type: 'string', short: 'i' },
  name: { type: 'string' },
  namespace: { type: 'string' },
  env: { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  threads: { type: 'string' },
  'max-memory-restart': { type: 'string' },
  'memory-report-interval': { type: 'string' },
  'cron-restart': { type: 'string' },
  port: { type: 'string', short: 'p' },
  socket: { type: 'string' },
  'socket-mode': { type: 'string' },
  'socket-group': { type: 'string' },
  'node-args': { type: 'string' },
  'wait-ready': { type: 'boolean' },
  time: { type: 'boolean' },
  'log-date-format': { type: 'string' },
  output: { type: 'string', short: 'o' },
  error: { type: 'string', short: 'e' },
  log: { type: 'string', short: 'l' },
  'log-format': { type: 'string' },
  'merge-logs': { type: 'boolean' },
  'no-merge-logs': { type: 'boolean' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'server-timing': { type: 'boolean' },
  'no-http-metrics': { type: 'boolean' },
  interpreter: { type: 'string' },
  'execute-command': { type: 'boolean', short: 'x' },
  sticky: { type: 'string' },
  balance: { type: 'string' },
  'listen-timeout': { type: 'string' },
  'kill-timeout': { type: 'string' },
  'drain-idle-grace': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'max-restarts': { type: 'string' },
  'min-uptime': { type: 'string' },
  'restart-delay': { type: 'string' },
  'exp-backoff-restart-delay': { type: 'string' },
  'stop-exit-codes': { type: 'string' },
  'no-autorestart': { type: 'boolean' },
  'no-autostart': { type: 'boolean' },
  'no-treekill': { type: 'boolean' },
  watch: { type: 'boolean' },
  'watch-paths': { type: 'string' },
  'ignore-watch': { type: 'string', multiple: true },
  'watch-delay': { type: 'string' },
  'filter-env': { type: 'string', multiple: true },
  'update-env': { type: 'boolean', short: 'a' },
} as const satisfies ParseArgsConfig['options'];

/**
 * `hive startOrReload|startOrRestart <config>` (start-or.ts): a config file only, and its apps that run are reloaded
 * (`existing: 'reload'`) or restarted with the file's options, as `hive start <config>` restarts them.
 */
export interface StartOr {
  existing: 'reload' | 'restart';
  usage: string;
}

/**
 * `hive start <script|config>`. Exit 1 when an app did not start (others still start), 2 on bad arguments. `command`:
 * the name errors are reported under (`hive restart <config file>` and the startOr commands run this).
 */
export default function start(argv: string[], command = 'start', startOr?: StartOr): Promise<number> {
  const usageText = startOr?.usage ?? usage;
  return runCommand(command, async () => {
    const separator = argv.indexOf('--');
    // `-i -1` and `--node-args --max-old-space-size=512` read as `hive run` reads them.
    const own = joinDashedValues(separator === -1 ? argv : argv.slice(0, separator));
    // `--watch` alone watches the app's folder; `--watch=src,lib` names folders (parseArgs has no optional values).
    // PM2's `-l` alone (no path after it) is the combined log at its default path, as a config's `logFile: true`.
    const joined = own.map((arg, i) =>
      (arg === '-l' || arg === '--log') && (own[i + 1] === undefined || own[i + 1]!.startsWith('-'))
        ? `--log=${DEFAULT_LOG_FILE}`
        : watchPathsArg(arg),
    );
    const scriptArgs = separator === -1 ? [] : argv.slice(separator + 1);
    // `hive restart api ecosystem.config.js`: said as restart's rule; `hive start api worker`: apps the daemon has.
    const max = command === 'restart' || command === 'start' ? Number.POSITIVE_INFINITY : 1;
    refusePm2OnlyFlags('start', joined);
    // `hive start` alone starts the folder's config file, as `pm2 start` alone starts its ecosystem.config.js.
    const min = command === 'start' && scriptArgs.length === 0 ? 0 : 1;
    // A value flag given twice is refused there; `--watch=a,b` reaches parseArgs as --watch-paths (see above): named as
    // the user wrote it.
    const { values, positionals } = parseCommand(joined, startOptions, {
      command: command,
      min,
      max,
      flagName: watchFlagName,
    });
    if (positionals.length > 1 && command === 'start' && !values.help) {
      return startSeveral(positionals, values, scriptArgs);
    }
    if (positionals.length > 1) {
      throw new UsageError(
        `a config file must be restart's only target (it starts the file again), got ${positionals.map((p) => JSON.stringify(p)).join(', ')}: restart the other apps in a command of their own`,
      );
    }
    if (values.help) {
      process.stdout.write(`${usageText}\n`);
      return 0;
    }
    const target = positionals[0] ?? findConfigFile();
    if (target === undefined) {
      throw new UsageError(
        `missing argument: with none, hive start starts this folder's config file (${configFileNames.join(', ')}), and there is none in ${process.cwd()}`,
      );
    }
    if (startOr && !isConfigFile(target)) {
      throw new UsageError(
        `${command} takes a config file (hive.config.*, ecosystem.*, *.config.js|ts, .json, .yaml), got ${JSON.stringify(target)}; for an app by name or id: hive ${startOr.existing} ${target}`,
      );
    }
    if (startOr?.existing === 'reload') refuseReloadOptions(command, values);
    const restarted = await startExisting(target, values, scriptArgs);
    if (restarted) {
      if (values.json) printJson(restarted.apps);
      else process.stdout.write(`${appTable(restarted.apps, terminalColumns())}\n`);
      // Some apps of `all` or a namespace failed: said after them, as `hive restart all` says it (fleetApps).
      if ('failure' in restarted) throw restarted.failure;
      return 0;
    }
    const logFormat = values['log-format'];
    if (logFormat !== undefined && logFormat !== 'text' && logFormat !== 'json') {
      throw new UsageError(`expected --log-format to be text or json, got ${JSON.stringify(logFormat)}`);
    }
    if (values['merge-logs'] && values['no-merge-logs']) {
      throw new UsageError('--merge-logs and --no-merge-logs contradict each other');
    }
    if (values['log-date-format'] === '') {
      throw new UsageError('expected --log-date-format to be a dayjs format such as "YYYY-MM-DD HH:mm Z", got ""');
    }
    // The daemon's bound (daemon/protocol.ts), said here, naming the flag, rather than as its refusal of the start.
    if (typeof values['log-date-format'] === 'string' && values['log-date-format'].length > MAX_FLAG_TEXT) {
      throw new UsageError(`expected --log-date-format to have at most ${MAX_FLAG_TEXT} characters`);
    }
    const cron = values['cron-restart'] as string | undefined;
    // An empty value is left as it was: no schedule (over a config's cronRestart too).
    if (cron) await checkCronRestart(cron);
    if (isConfigFile(target) && scriptArgs.length > 0) {
      throw new UsageError("arguments after -- go to a script; with a config file set `args` in the app's entry");
    }
    const config = isConfigFile(target);
    const specs = config ? await configSpecs(target, values, command) : [scriptSpec(target, values, scriptArgs)];
    await checkRunArgs(specs);
    // The app runs in this shell's environment, not in the one of whichever command started the daemon, as with PM2.
    const env = shellEnv();
    for (const spec of specs) spec.shellEnv = env;
    checkPoolThreads(specs, values, config ? target : undefined);
    // An app the daemon has keeps the environment it was started in unless --update-env, or the file gives it no env
    // (ManagedApp.startWith), the startOr commands' too: PM2 7 runs them all through _startJson (checked against
    // 7.0.4).
    const updateEnv = values['update-env'] === true;
    const started: AppInfo[] = [];
    let failed = false;
    // Apps taken over from another config file: said together once the file's apps are done (taken-over.ts).
    const origins = takenOver(command, config ? specs[0]?.configFile : undefined);
    const warnings = origins.warnings();
    await withDaemon(async (client) => {
      // startOrReload: the file's apps that run now are reloaded, the others (stopped and errored ones too) started.
      const running = startOr?.existing === 'reload' ? runningNames(await client.request<AppInfo[]>('ls')) : undefined;
      for (const spec of specs) {
        const reload = running?.has(spec.name) === true;
        if (!values.json && process.stderr.isTTY) {
          process.stderr.write(`${reload ? 'reloading' : 'starting'} ${spec.name}...\n`);
        }
        try {
          if (reload) {
            // This shell's environment, as `hive reload <config>` takes it (see configReloads).
            started.push(
              ...(await client.request<AppInfo[]>('reload', reloadBody(spec, reloadShellEnv(spec, values)), warnings)),
            );
            continue;
          }
          // A config file started again restarts its apps with the file's options, as PM2's does; a script's name that
          // runs is refused, as PM2 refuses it without -f.
          const body = config ? { app: spec, replace: true, updateEnv } : { app: spec };
          started.push(await client.request<AppInfo>('start', body, warnings));
        } catch (error) {
          failed = true;
          process.stderr.write(errorLine(command, error));
          // The daemon gone (killed, crashed): each app left would fail alike, in a line that does not name it.
          if (client.closed) {
            const left = specs.slice(specs.indexOf(spec) + 1).map((other) => other.name);
            if (left.length > 0) {
              const gone = new DaemonUnreachableError(`not started, the daemon being gone: ${left.join(', ')}`);
              process.stderr.write(errorLine(command, gone));
            }
            break;
          }
          const app = await failedStartApp(client, spec.name, error);
          if (app) started.push(app);
        }
      }
      // The file's apps as they are once the last is done, not each as its turn ended (freshApps).
      if (!client.closed) started.splice(0, started.length, ...(await freshApps(client, started)));
    }).finally(origins.say);
    const slots = values.json ? undefined : slotTable(started, terminalColumns());
    if (slots !== undefined) process.stdout.write(`${slots}\n\n`);
    if (values.json) printJson(started);
    else if (started.length > 0) process.stdout.write(`${appTable(started, terminalColumns())}\n`);
    return failed ? 1 : 0;
  });
}

/**
 * The reload that gives a config file's app the file's `env` (and `env_<name>` of `--env`): by name, as a config
 * file's apps are matched; `env` replaces the app's (the daemon keeps it once the reload has taken, see
 * ManagedApp.reload), and `shellEnv`, when given, the environment it was started in. One body for startOrReload and
 * `hive reload <config>`.
 */
function reloadBody(spec: AppSpec, shellEnv: Record<string, string> | undefined): Record<string, unknown> {
  // The file's runArgs: the daemon says which of its options the reload keeps not (keptOptionsWarning).
  const optionNames = optionNamesOf.get(spec);
  const origin = {
    configFile: spec.configFile,
    script: spec.script,
    cwd: spec.cwd,
    runArgs: spec.runArgs,
    ...(optionNames !== undefined ? { optionNames } : {}),
    // The daemon applies these itself (ManagedApp#applySettings): a key the file leaves out is none.
    settings: {
      ...(spec.watch !== undefined ? { watch: spec.watch } : {}),
      ...(spec.ignoreWatch !== undefined ? { ignoreWatch: spec.ignoreWatch } : {}),
      ...(spec.watchDelay !== undefined ? { watchDelay: spec.watchDelay } : {}),
      ...(spec.cronRestart !== undefined ? { cronRestart: spec.cronRestart } : {}),
    },
  };
  return { target: spec.name, by: 'name', env: spec.env, origin, ...(shellEnv !== undefined ? { shellEnv } : {}) };
}

/**
 * The shell environment a reload of a config file's app takes, as a restart of the file takes it
 * (ManagedApp.startWith): this shell's with `--update-env`, or when the file gives the app no env (PM2 then keeps the
 * CLI's); else none, and the app keeps the one it was started in. PM2 7 reloads a file's apps so for `reload`,
 * `startOrReload` and `startOrRestart` alike (its _startJson; checked against 7.0.4).
 */
function reloadShellEnv(
  spec: AppSpec,
  values: Values,
  env: Record<string, string> = shellEnv(),
): Record<string, string> | undefined {
  return values['update-env'] === true || !hasOwnEnv(spec) ? env : undefined;
}

/** What `hive reload <config>` sends for one app of the file: `reload` when the daemon has it, else `start`. */
export interface ConfigReload {
  name: string;
  /** The file as the requests name it (the app's origin). */
  configFile: string | undefined;
  reload: Record<string, unknown>;
  start: Record<string, unknown>;
}

/**
 * `hive reload <config> [--env <name>] [--only <names>] [-a]` (reload.ts): each app of the file as start reads it
 * (`--env`, `appendEnvToName`, `--only`, every key checked), and the reload request that gives it the file's env now,
 * as startOrReload reloads it. The shell's environment as a restart of the file takes it (ManagedApp.startWith), since
 * PM2 runs `pm2 reload <file>` and `pm2 restart <file>` through one path (its _startJson): the one the app was started
 * in, unless `--update-env`, or the file gives the app no env (PM2 then keeps the CLI's). An app the daemon does not
 * have is started, as that path starts it (its startApps): the start request `hive start <config>` would send.
 */
export async function configReloads(file: string, values: Values, command: string): Promise<ConfigReload[]> {
  const specs = await configSpecs(file, values, command);
  await checkRunArgs(specs);
  const env = shellEnv();
  for (const spec of specs) spec.shellEnv = env;
  checkPoolThreads(specs, values, file);
  return specs.map((spec) => ({
    name: spec.name,
    configFile: spec.configFile,
    reload: reloadBody(spec, reloadShellEnv(spec, values, env)),
    start: { app: { ...spec, shellEnv: env }, replace: true, updateEnv: values['update-env'] === true },
  }));
}

/** The apps with a primary up that a reload can roll: a stopped, stopping or errored one is started instead. */
function runningNames(apps: AppInfo[]): Set<string> {
  const up = new Set<AppInfo['status']>(['starting', 'online', 'reloading']);
  return new Set(apps.filter((app) => up.has(app.status)).map((app) => app.name));
}

/**
 * `hive start <name|id|all>`, of an app the daemon has (PM2's `pm2 start api`, restartExistingProcessName) or of
 * every app: a stopped or errored app starts again with its own options, a running one restarts. Undefined when the
 * target is not such an app: a script path, a file here (a folder is not one), a name with an extension (PM2 tells them
 * apart the same way), or a name no app has (a program on PATH, `hive start pnpm`). Without this the name became a
 * fork-mode app running a program called `api`, which replaced the stopped app's script and options.
 */
async function startExisting(target: string, values: Values, scriptArgs: string[]): Promise<Taken | undefined> {
  if (namesAFile(target)) return undefined;
  if (target === 'all') {
    // `all` is never an app's name (appNameProblem): every app, as for restart. No daemon: no app to start.
    refuseSpecOptions('`all` is every app', values, scriptArgs);
    const body = values['update-env'] ? { target, shellEnv: shellEnv() } : { target };
    return (await withDaemon((client) => restartApps(client, body, values), false)) ?? { apps: [] };
  }
  // Not started for this: with no daemon running there is no such app, and a name refused next (no program on PATH)
  // must leave no daemon behind, as a missing script does.
  return withDaemon(async (client) => {
    let app: AppInfo;
    try {
      app = await client.request<AppInfo>('describe', { target });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_HIVE_APP_NOT_FOUND')
        return startNamespace(client, target, values);
      throw error;
    }
    refuseSpecOptions(`${JSON.stringify(app.name)} is an app`, values, scriptArgs);
    // By id: the app found, even if another of the name were added meanwhile. A restart starts a stopped app.
    const body = values['update-env'] ? { target: String(app.id), shellEnv: shellEnv() } : { target: String(app.id) };
    return { apps: await client.request<AppInfo[]>('restart', body, warningsTo('start')) };
  }, false);
}

/** The apps `hive start <name|id|all|namespace>` started, and what failed on some of them (see fleetApps). */
type Taken = Awaited<ReturnType<typeof fleetApps>>;

/**
 * `hive start api 1 backend`: each target an app the daemon has (a name, an id, a namespace, all), started or restarted
 * as one alone is, in order; PM2's start takes several too. Every target is checked before any is started, so a typo
 * starts nothing; a target that fails to start is reported and the others still start (exit 1).
 */
async function startSeveral(targets: string[], values: Values, scriptArgs: string[]): Promise<number> {
  const apps = (await withDaemon((client) => client.request<AppInfo[]>('ls'), false)) ?? [];
  const known = (target: string) =>
    !namesAFile(target) &&
    (target === 'all' ||
      apps.some((app) => app.name === target || String(app.id) === target || app.namespace === target));
  const unknown = targets.find((target) => !known(target));
  if (unknown !== undefined) {
    throw new UsageError(
      `several targets must each be an app the daemon has (a name, an id, a namespace or all), as for stop and restart; ${JSON.stringify(unknown)} is not: start a script or a config file in a command of its own`,
    );
  }
  const started: AppInfo[] = [];
  let failed = false;
  for (const target of targets) {
    try {
      const taken = await startExisting(target, values, scriptArgs);
      started.push(...(taken?.apps ?? []));
      if (taken !== undefined && 'failure' in taken) throw taken.failure;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      failed = true;
      process.stderr.write(errorLine('start', error));
    }
  }
  // Each target's apps as they are once the last target is done (freshApps).
  const shown =
    started.length > 1 ? ((await withDaemon((client) => freshApps(client, started), false)) ?? started) : started;
  if (values.json) printJson(shown);
  else if (shown.length > 0) process.stdout.write(`${appTable(shown, terminalColumns())}\n`);
  return failed ? 1 : 0;
}

/**
 * The restart of several apps by `hive start <all|namespace>`: a line per app as each is done, on a terminal; the apps
 * as they are once all are done, those that failed too (fleetApps), as `hive restart all` shows them.
 */
function restartApps(client: DaemonClient, body: { target: string }, values: Values): Promise<Taken> {
  const { steps, onProgress } = appSteps('start', values.json === true);
  return fleetApps(client, body.target, () =>
    client.request<AppInfo[]>('restart', { ...body, ...steps }, warningsTo('start', onProgress)),
  );
}

// A script or a config file rather than an app: a path, a name with an extension, or a file here.
function namesAFile(target: string): boolean {
  return isConfigFile(target) || target.includes('/') || extname(target) !== '' || isFile(resolve(target));
}

// A folder of the app's name here (`worker/`, its code) is no script: the app is meant, as PM2 takes it.
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * `hive start <namespace>`: its apps started or restarted, as PM2's restartExistingNameSpace; undefined when no app has
 * that namespace either. A restart target that names no app is read as a namespace by the daemon.
 */
async function startNamespace(client: DaemonClient, target: string, values: Values): Promise<Taken | undefined> {
  const apps = await client.request<AppInfo[]>('ls');
  if (!apps.some((app) => app.namespace === target)) return undefined;
  refuseSpecOptions(`${JSON.stringify(target)} is a namespace`, values, []);
  const body = values['update-env'] ? { target, shellEnv: shellEnv() } : { target };
  return restartApps(client, body, values);
}

/**
 * The existing-app path takes only --update-env and --json, as `hive restart` does. Any other option (or script
 * arguments) would change the app's spec: refused by name rather than dropped (PM2 drops them) or read as a start of a
 * program called like the app.
 */
function refuseSpecOptions(target: string, values: Values, scriptArgs: string[]): void {
  const key = Object.keys(values).find((k) => k !== 'json' && k !== 'update-env');
  if (key === undefined && scriptArgs.length === 0) return;
  const what = key === undefined ? 'arguments after --' : `--${watchFlagName(key)}`;
  throw new UsageError(
    `${what} would change an app's options, and ${target}: \`hive start <name|id|all>\` starts or ` +
      "restarts apps as they are (with --update-env and --json only); to change an app's options, stop it and start " +
      'its script with them (`hive start <script> --name <name> ...`)',
  );
}

type Values = ReturnType<typeof parseCommand>['values'];

// What reaches an app startOrReload reloads: the apps picked, the file's env (HIVE_POOL_THREADS is env too), --json.
const RELOAD_OPTIONS = new Set(['only', 'env', 'threads', 'update-env', 'json', 'help']);

/**
 * startOrReload reloads a running app with the file's env only, keeping its other options: start's other flags would
 * reach the apps it starts but not those it reloads. Refused by name rather than half applied.
 */
function refuseReloadOptions(command: string, values: Values): void {
  const key = Object.keys(values).find((k) => !RELOAD_OPTIONS.has(k));
  if (key === undefined) return;
  const name = watchFlagName(key);
  const short = (startOptions as Record<string, { short?: string }>)[key]?.short;
  throw new UsageError(
    `--${name}${short ? ` (-${short})` : ''}: ${command} takes only --only, --env, --threads, --update-env and --json, ` +
      "as it keeps a running app's options (it reloads it with the file's env): set the option in the config " +
      'file and run `hive startOrRestart <config>`, which restarts the apps with the file as it is',
  );
}

function scriptSpec(script: string, values: Values, args: string[]): AppSpec {
  // Symlinks kept (a deploy's `current`): each process a restart or reload starts runs the release linked then.
  const cwd = logicalCwd();
  const path = resolve(cwd, script);
  const interpreter = values.interpreter as string | undefined;
  const execMode = values['execute-command'] ? 'fork' : undefined;
  // A fork-mode program's node (-x) or interpreter takes them, as a config's nodeArgs (PM2's interpreter_args).
  const nodeArgs = typeof values['node-args'] === 'string' ? parseNodeArgs(values['node-args']) : [];
  const fork = forkCommand({ script, cwd, args, nodeArgs, interpreter, execMode });
  // The same error as `hive run` (ERR_HIVE_SCRIPT_NOT_FOUND, exit 2), for fork-mode programs too (`hive start pnpm`).
  assertAppScript(script, cwd, fork);
  if (values.only) throw new UsageError('--only picks apps of a config file, not of a script');
  // Acted on by the `hive run` primary and runtime; --memory-report-interval too: a fork-mode program sends no reports,
  // so it would be taken and never used (no worker of it is ever marked unresponsive); --drain-idle-grace is the
  // runtime's drain, which a fork-mode program is stopped without (its signal).
  for (const flag of [
    'metrics-port',
    'server-timing',
    'no-http-metrics',
    'socket',
    'sticky',
    'balance',
    'memory-report-interval',
    'drain-idle-grace',
    'keep-alive-timeout',
  ] as const) {
    if (fork && values[flag] !== undefined) {
      throw new UsageError(
        `--${flag} needs a cluster app (the \`hive run\` primary and runtime act on it); a fork-mode program runs without them`,
      );
    }
  }
  const logFormat = values['log-format'] as 'text' | 'json' | undefined;
  const env: Record<string, string> = {};
  for (const pair of (values.env as string[] | undefined) ?? []) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new UsageError(`expected --env to be KEY=VALUE for a script, got ${JSON.stringify(pair)}`);
    // The pattern leaves out empty names and `=` (argv holds no NUL); `__proto__` fits it.
    const problem = envVariableProblem(match[1]!, match[2]);
    if (problem !== undefined) throw new UsageError(`--env ${match[1]}: ${problem}`);
    env[match[1]!] = match[2]!;
  }
  // Read here where fork mode sets PORT from it, or --env has a PORT to check it against (before fork mode's is set
  // over it, and as `hive run` refuses the pair); a cluster app's bad --port alone is checkRunArgs's, naming the app.
  const givenPort = typeof values.port === 'string' && (fork || Object.hasOwn(env, 'PORT')) ? values.port : undefined;
  const port = givenPort === undefined ? undefined : parsePort(givenPort);
  checkPortFlags(port, env);
  if (values.threads !== undefined) env.HIVE_POOL_THREADS = threads(values.threads as string);
  // A cluster app's PORT is set by its `hive run` primary from --port; a fork-mode program's by its env.
  if (fork && port !== undefined) env.PORT = String(port);
  addForkEnv(fork, env);
  // PM2's defaults: a cluster on every core, a fork-mode program once.
  const instances = (values.instances as string | undefined) ?? (fork ? '1' : 'max');
  const runArgs = [path, `--instances=${instances}`];
  for (const [flag, option] of Object.entries(passThrough)) {
    const value = values[flag as keyof typeof values];
    if (typeof value === 'string') runArgs.push(`${option}=${value}`);
  }
  // Resolved here: the primary runs in the daemon, whose working directory is not the caller's. Not an empty one
  // (an unset variable), which is no path: resolved, it named the current folder.
  if (values.socket === '') throw new UsageError('expected --socket to be a path, got ""');
  if (typeof values.socket === 'string') runArgs.push(`--socket=${resolve(values.socket)}`);
  if (values['wait-ready']) runArgs.push('--wait-ready');
  if (values['server-timing']) runArgs.push('--server-timing');
  if (values['no-http-metrics']) runArgs.push('--no-http-metrics');
  if (values['no-autorestart']) runArgs.push('--no-autorestart');
  if (values['no-treekill']) runArgs.push('--no-treekill');
  runArgs.push('--', ...args);
  const name = (values.name as string | undefined) ?? basename(path, extname(path));
  const problem = appNameProblem(name);
  if (problem !== undefined) {
    throw new UsageError(
      values.name === undefined
        ? `the app name ${JSON.stringify(name)} (the script's base name): ${problem}; give one with --name`
        : `--name ${JSON.stringify(name)}: ${problem}`,
    );
  }
  const spec: AppSpec = {
    name,
    script,
    cwd,
    runArgs,
    env,
    instances,
  };
  const namespace = namespaceOption(values);
  if (namespace !== DEFAULT_NAMESPACE) spec.namespace = namespace;
  if (values['cron-restart']) spec.cronRestart = values['cron-restart'] as string;
  if (values.time) spec.time = true;
  if (typeof values['log-date-format'] === 'string') spec.logDateFormat = values['log-date-format'];
  if (logFormat !== undefined) spec.logFormat = logFormat;
  if (values['no-merge-logs']) spec.mergeLogs = false;
  // PM2's -o/-e/-l: resolved here, as `outFile`/`errorFile`/`logFile` of a config are against its app's cwd.
  if (typeof values.output === 'string') spec.outFile = logPath(values.output, '--output');
  if (typeof values.error === 'string') spec.errorFile = errorLogPath(values.error);
  if (values.log === DEFAULT_LOG_FILE) spec.logFile = true;
  else if (typeof values.log === 'string') spec.logFile = logPath(values.log, '--log');
  if (fork) spec.fork = fork;
  // A fork-mode program is stopped by the daemon, not by a primary: the spec carries its drain budget, as a config's.
  if (fork && typeof values['kill-timeout'] === 'string') {
    spec.killTimeout = parseDuration(values['kill-timeout'], 'kill-timeout');
  }
  if (values['no-autorestart']) spec.autorestart = false;
  if (values['no-autostart']) spec.autostart = false;
  const watch = watchSpec(script, values as WatchFlagValues, UsageError);
  if (watch !== undefined) {
    spec.watch = watch.paths;
    if (watch.ignore !== undefined) spec.ignoreWatch = watch.ignore;
    if (watch.delay !== undefined) spec.watchDelay = watch.delay;
  }
  const filterEnv = values['filter-env'] as string[] | undefined;
  if (filterEnv !== undefined) {
    if (filterEnv.includes('')) throw new UsageError('expected --filter-env to be part of a variable name, got ""');
    // The daemon's bounds (daemon/protocol.ts).
    if (filterEnv.some((part) => part.length > MAX_FLAG_TEXT) || filterEnv.length > MAX_FILTER_FLAGS) {
      throw new UsageError(
        `expected at most ${MAX_FILTER_FLAGS} --filter-env of at most ${MAX_FLAG_TEXT} characters each`,
      );
    }
    spec.filterEnv = filterEnv;
  }
  return spec;
}

// Keys of SupervisorOptions that `hive run` takes as flags of the same meaning.
const runFlags = {
  port: '--port',
  sticky: '--sticky',
  balance: '--balance',
  socket: '--socket',
  socketGroup: '--socket-group',
  listenTimeout: '--listen-timeout',
  killTimeout: '--kill-timeout',
  drainIdleGrace: '--drain-idle-grace',
  keepAliveTimeout: '--keep-alive-timeout',
  maxMemoryRestart: '--max-memory-restart',
  memoryReportInterval: '--memory-report-interval',
  maxRestarts: '--max-restarts',
  minUptime: '--min-uptime',
  restartDelay: '--restart-delay',
  expBackoffRestartDelay: '--exp-backoff-restart-delay',
  stopExitCodes: '--stop-exit-codes',
} as const;

/**
 * The flags configSpec writes into runArgs by hand (not as `runFlags`' plain `--flag=value`), each with its config
 * key: `value` is the flag's value, true for a flag without one, undefined when the app does not set it.
 */
const writtenFlags: ReadonlyArray<{
  flag: string;
  key: string;
  value: (options: SupervisorOptions, app: AppConfig) => string | true | undefined;
}> = [
  // A mode written as a number in a JS config (0o666) is the number itself; the flag takes octal digits.
  {
    flag: '--socket-mode',
    key: 'socketMode',
    value: ({ socketMode: mode }) => (typeof mode === 'number' ? mode.toString(8) : mode),
  },
  { flag: '--wait-ready', key: 'waitReady', value: (options) => options.waitReady || undefined },
  { flag: '--no-autorestart', key: 'autorestart', value: (options) => options.autorestart === false || undefined },
  { flag: '--no-treekill', key: 'treekill', value: (options) => options.treekill === false || undefined },
  // Quoted where needed: a flag with a space in it (`--title=my app`) must reach the app processes whole.
  {
    flag: '--node-args',
    key: 'nodeArgs',
    value: ({ nodeArgs }) => (nodeArgs?.length ? formatNodeArgs(nodeArgs) : undefined),
  },
  { flag: '--metrics-port', key: 'metricsPort', value: (_, app) => app.metricsPort?.toString() },
  { flag: '--metrics-host', key: 'metricsHost', value: (_, app) => app.metricsHost },
  { flag: '--server-timing', key: 'serverTiming', value: (_, app) => app.serverTiming || undefined },
  { flag: '--no-http-metrics', key: 'httpMetrics', value: (options) => options.httpMetrics === false || undefined },
];

/**
 * The config key of each option configSpec writes into runArgs, by the flag's name (and `args`, the script's own
 * arguments after `--`): a reload names the options it keeps by the keys the file spells (keptOptionsWarning).
 */
const flagKeys: Readonly<Record<string, string>> = {
  instances: 'instances',
  ...Object.fromEntries(
    [...Object.entries(runFlags), ...writtenFlags.map(({ flag, key }) => [key, flag] as const)].map(([key, flag]) => [
      flag.slice('--'.length),
      key,
    ]),
  ),
  args: 'args',
};

/**
 * Each config file's app spec's option names, as its file spells them (`node_args` in an ecosystem file, `nodeArgs`
 * in a Hive config), for its reload (reloadBody). Beside the spec, not in it: the daemon's app spec has no such field.
 */
const optionNamesOf = new WeakMap<AppSpec, Record<string, string>>();

// Flags that describe one script's app; a config file sets them per app, and taking one for every app is not meant.
const scriptOnlyFlags = [
  'port',
  'sticky',
  'balance',
  'listen-timeout',
  'kill-timeout',
  'drain-idle-grace',
  'keep-alive-timeout',
  'max-restarts',
  'min-uptime',
  'restart-delay',
  'exp-backoff-restart-delay',
  'stop-exit-codes',
  'socket',
  'socket-mode',
  'socket-group',
  'node-args',
  'wait-ready',
  'metrics-port',
  'metrics-host',
  'server-timing',
  'no-http-metrics',
  'max-memory-restart',
  'memory-report-interval',
  'interpreter',
  'execute-command',
  'no-autorestart',
  'no-treekill',
  'output',
  'error',
  'log',
  'watch',
  'watch-paths',
  'ignore-watch',
  'watch-delay',
  'filter-env',
] as const;

// An app's `key` (Hive's name for it) as the file has it: where the app is (appKey), and the key as written there (an
// ecosystem file's `http_metrics`, not `httpMetrics`), as the loader's own errors name it.
function configKey(config: Pick<LoadedConfig, 'apps' | 'place' | 'writtenKeys'>, app: AppConfig, key: string): string {
  const index = config.apps.indexOf(app);
  return appKey(config.place, index, app.name, config.writtenKeys?.[index]?.[key] ?? key);
}

async function configSpecs(file: string, values: Values, command: string): Promise<AppSpec[]> {
  if (values.name !== undefined) throw new UsageError('--name names a script; a config file names its apps');
  // Refused rather than dropped: `hive start hive.config.ts --port 4000` used to start the apps on their own ports.
  const scriptOnly = scriptOnlyFlags.find((flag) => values[flag] !== undefined);
  if (scriptOnly !== undefined) {
    const flag = watchFlagName(scriptOnly);
    throw new UsageError(
      `--${flag} applies to a script; with a config file set it in the app's entry (docs/config.md)`,
    );
  }
  if (((values.env as string[] | undefined)?.length ?? 0) > 1) {
    throw new UsageError(`--env picks one env_<name> of a config file, got ${(values.env as string[]).join(', ')}`);
  }
  const { loadConfig } = await import('../../config/load-config.js');
  const { ConfigError } = await import('../../config/errors.js');
  const { argList, supervisorOptions } = await import('../../config/supervisor-options.js');
  const { envAppName } = await import('../../config/app-env.js');
  const { daemonNodeVersion } = await import('../daemon-node.js');
  // A cluster app's processes run on the daemon's node, which `hive update` may have made another than this one.
  const config = await loadConfig(file, { appsNode: daemonNodeVersion });
  for (const warning of config.warnings) process.stderr.write(`hive ${command}: ${warning}\n`);
  const apps = pickApps(config, onlyNames(values.only as string[] | undefined));
  const envName = (values.env as string[] | undefined)?.[0];
  // PM2's append_env_to_name: `api` started with `--env production` is `api-production` (its --only reads the
  // file's names, as here).
  const nameOf = (app: AppConfig) => envAppName(app, envName);
  // Checked for every app before any starts, as the other keys are at load.
  for (const app of apps) {
    const name = nameOf(app);
    const problem = appNameProblem(name);
    if (problem !== undefined) {
      const key = name === app.name ? 'name' : 'appendEnvToName';
      const why = name === app.name ? problem : `the name ${JSON.stringify(name)} it makes with --env: ${problem}`;
      throw new ConfigError(config.file, configKey(config, app, key), why);
    }
  }
  const { appSpecSchema } = await import('../../daemon/protocol.js');
  const configFile = logicalPath(file);
  return apps.map((app) => {
    const spec = configSpec(app);
    // The config's own caps (config/app-schema.ts) match the daemon's; this catches what they cannot see alone (a
    // fork-mode app's killTimeout, paths made long by cwd, hive run's flags with the args), so that the daemon's
    // refusal of the whole start is a config error naming the key and file instead.
    const parsed = appSpecSchema.safeParse(spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0]);
      const key = field === 'runArgs' || field === 'fork' ? 'args' : field;
      throw new ConfigError(
        config.file,
        configKey(config, app, key),
        `more than the daemon takes (${issue.path.join('.')}: ${issue.message})`,
      );
    }
    const written = config.writtenKeys?.[config.apps.indexOf(app)];
    optionNamesOf.set(
      spec,
      Object.fromEntries(Object.entries(flagKeys).map(([option, key]) => [option, written?.[key] ?? key])),
    );
    return spec;
  });

  // PM2 reads an app's paths from the folder it is run in when the app has no `cwd` (Common.prepareAppConf), Hive from
  // the file's folder: a file that PM2 ran from elsewhere (`pm2 start deploy/ecosystem.config.js` from the project)
  // misses its script here, which says why when the script is where PM2 would have found it.
  function pm2CwdHint(app: AppConfig, cwd: string): string {
    const shell = process.cwd();
    if (config.format !== 'pm2' || cwd !== dirname(config.file) || shell === cwd) return '';
    if (!existsSync(resolve(shell, app.script))) return '';
    return (
      ` (an app's paths are relative to its \`cwd\`, by default the file's folder ${cwd}; PM2 reads them from the ` +
      `folder it is run in, ${shell}, where the script is: set \`cwd: ${JSON.stringify(relative(cwd, shell))}\` in the app)`
    );
  }

  function configSpec(app: AppConfig): AppSpec {
    const options = supervisorOptions(app, config.file, envName, config.apps);
    const cwd = options.cwd ?? dirname(config.file);
    // Before the script, which is looked for in it: the folder is what is wrong then.
    const problem = cwdProblem(cwd);
    if (problem !== undefined) {
      throw new ConfigError(config.file, configKey(config, app, 'cwd'), `${cwd} ${problem}`);
    }
    // An ecosystem app with no exec_mode left is one with instances (config/pm2-compat.ts): cluster mode, as PM2 reads
    // it when node runs the script.
    const execMode = app.execMode ?? (config.format === 'pm2' ? 'cluster' : undefined);
    const fork = forkCommand({ ...app, execMode, cwd, args: options.args ?? [], nodeArgs: options.nodeArgs ?? [] });
    // Cluster mode asked for, and a program that node does not run (`npm`, `pnpm`): plain processes, each listening on
    // the port itself, would be a change of mode nothing showed. A `.sh` or `.py` script with instances and no
    // exec_mode runs in fork mode in PM2 too.
    const nodeRuns = app.interpreter === undefined || app.interpreter === 'node';
    if (
      fork &&
      execMode === 'cluster' &&
      nodeRuns &&
      (app.execMode === 'cluster' || !hasInterpreterExtension(app.script))
    ) {
      process.stderr.write(
        `hive ${command}: ${config.file}: ${configKey(config, app, 'script')}: ` +
          `${JSON.stringify(app.script)} is not a Node.js file (.js, .ts, or a #! line that runs node): the app runs in ` +
          'fork mode, not the cluster mode asked, each process listening on the port itself; point script at the ' +
          "app's own .js entry for cluster mode\n",
      );
    }
    // Refused for the whole file, before the daemon is asked, as every other bad key of it is; PM2 starts the
    // file's other apps and leaves this one out ("Script not found"), which splits a deploy in two.
    try {
      assertAppScript(app.script, cwd, fork);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_HIVE_SCRIPT_NOT_FOUND') throw error;
      const key = configKey(config, app, 'script');
      throw new ConfigError(config.file, key, `${(error as Error).message}${pm2CwdHint(app, cwd)}`, { cause: error });
    }
    // As the flags of these in scriptSpec: memoryReportInterval sets the reports a fork-mode app never sends,
    // drainIdleGrace the runtime's drain it is never stopped through; sticky
    // and balance are the primary's routing of the port, which a fork-mode app listens on itself (a WebSocket app that
    // asked for sticky sessions would run without them). Hive keys all, which no PM2 file carries for PM2's sake.
    for (const key of [
      'metricsPort',
      'serverTiming',
      'httpMetrics',
      'socket',
      'memoryReportInterval',
      'drainIdleGrace',
      'keepAliveTimeout',
      'sticky',
      'balance',
    ] as const) {
      if (fork && app[key] !== undefined) {
        throw new ConfigError(
          config.file,
          configKey(config, app, key),
          'a fork-mode app has no `hive run` primary and runtime to act on it; drop the key or run it in cluster mode' +
            (config.format === 'pm2'
              ? ' (in an ecosystem file, an app with no exec_mode and no instances is in fork mode, as in PM2)'
              : ''),
        );
      }
    }
    const instances = String((values.instances as string | undefined) ?? options.instances ?? (fork ? '1' : 'max'));
    const runArgs = [options.script, `--instances=${instances}`];
    for (const [key, flag] of Object.entries(runFlags)) {
      const value = (options as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) runArgs.push(`${flag}=${value.join(',')}`);
      else if (value !== undefined)
        runArgs.push(`${flag}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
    }
    for (const { flag, value } of writtenFlags) {
      const given = value(options, app);
      if (given !== undefined) runArgs.push(given === true ? flag : `${flag}=${given}`);
    }
    runArgs.push('--', ...(options.args ?? []));
    const env = { ...options.env };
    if (values.threads !== undefined) env.HIVE_POOL_THREADS = threads(values.threads as string);
    // As for a script's --port: in fork mode, no primary of Hive's sets PORT.
    if (fork && options.port !== undefined) env.PORT = String(options.port);
    addForkEnv(fork, env);
    const spec: AppSpec = { name: nameOf(app), script: app.script, cwd, configFile, runArgs, env, instances };
    // Hive's additions are not an env the file gives the app: one it gives none takes the shell's (hasOwnEnv).
    const added = Object.keys(env).filter((name) => !Object.hasOwn(options.env ?? {}, name));
    if (added.length > 0) spec.addedEnv = added;
    if (app.filterEnv !== undefined && app.filterEnv !== false) spec.filterEnv = app.filterEnv;
    // The app's own wins over --namespace, as in PM2 (_startJson).
    const namespace = app.namespace ?? namespaceOption(values);
    if (namespace !== DEFAULT_NAMESPACE) spec.namespace = namespace;
    // The daemon then leaves the app stopped once its primary is done, rather than start it again.
    if (app.autorestart === false) spec.autorestart = false;
    if (app.autostart === false || values['no-autostart']) spec.autostart = false;
    if (fork) {
      spec.fork = fork;
      if (app.killTimeout !== undefined) spec.killTimeout = parseDuration(app.killTimeout, 'killTimeout');
      if (app.killSignal !== undefined) spec.killSignal = app.killSignal;
    }
    if (app.watch !== undefined && app.watch !== false) {
      spec.watch = app.watch === true ? [cwd] : argList(app.watch).map((p) => resolve(cwd, p));
      if (app.ignoreWatch !== undefined) spec.ignoreWatch = argList(app.ignoreWatch);
      if (app.watchDelay !== undefined) spec.watchDelay = parseDuration(app.watchDelay, 'watchDelay');
    }
    const cron = (values['cron-restart'] as string | undefined) ?? app.cronRestart;
    if (cron) spec.cronRestart = cron;
    if (app.outFile) spec.outFile = resolve(spec.cwd, app.outFile);
    if (app.errorFile) spec.errorFile = resolve(spec.cwd, app.errorFile);
    if (typeof app.logFile === 'string') spec.logFile = resolve(spec.cwd, app.logFile);
    else if (app.logFile === true) spec.logFile = true;
    if (app.time || values.time) spec.time = true;
    const dateFormat = (values['log-date-format'] as string | undefined) ?? app.logDateFormat;
    if (dateFormat !== undefined) spec.logDateFormat = dateFormat;
    const logFormat = (values['log-format'] as 'text' | 'json' | undefined) ?? app.logFormat;
    if (logFormat !== undefined) spec.logFormat = logFormat;
    if (app.logRotation !== undefined) spec.logRotation = appLogRotation(app.logRotation);
    // Unset, merged (Hive's default, for an ecosystem file too: PM2 splits a cluster app's by instance then).
    const mergeLogs = values['no-merge-logs'] ? false : values['merge-logs'] ? true : app.mergeLogs;
    if (mergeLogs === false) spec.mergeLogs = false;
    return spec;
  }
}

/**
 * Reads `--cron-restart` with the validator a config file's `cronRestart` goes through at load, so that a malformed
 * expression exits 2 here rather than after the daemon took the app (an errored app left in the table).
 */
async function checkCronRestart(value: string): Promise<void> {
  const { cronProblem } = await import('../../config/cron-problem.js');
  const problem = cronProblem(value);
  if (problem !== undefined) throw new UsageError(`--cron-restart: ${problem}`);
}

/** `--namespace`, checked as a config's `namespace` is (exit 2 naming it), or `default`. */
function namespaceOption(values: Values): string {
  const namespace = values.namespace as string | undefined;
  if (namespace === undefined) return DEFAULT_NAMESPACE;
  const problem = namespaceProblem(namespace);
  if (problem !== undefined) throw new UsageError(`--namespace ${JSON.stringify(namespace)}: ${problem}`);
  return namespace;
}

// `--log`'s value for `-l` given alone: it holds a NUL, which no argument can, so no path given is taken for it (not
// first: parseCommand takes a leading NUL off).
const DEFAULT_LOG_FILE = 'default\0';

function logPath(value: string, flag: string): string {
  if (value === '') throw new UsageError(`expected ${flag} to be a file path, got ""`);
  return resolve(value);
}

// `-e` is `--env` in `hive run` but PM2's error log file here: `-e PORT=1` would silently start the app without PORT
// and log its stderr to a file named `PORT=1`. Such a file that exists already is taken as meant.
function errorLogPath(value: string): string {
  const path = logPath(value, '--error');
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value) && !existsSync(path)) {
    throw new UsageError(
      `-e is the error log file in hive start (PM2's meaning); pass --env ${value} for an environment variable, or --error ./${value} for a file of that name`,
    );
  }
  return path;
}

/**
 * A bad HIVE_POOL_THREADS that the apps will get (`--env`, a config file's `env`, or this shell's) is refused here,
 * before the daemon is asked, as a bad --threads is (exit 2). This shell's counts only where the app surely takes it:
 * a script's app, and a config file's with `--update-env` or no `env` of its own. Otherwise a running app keeps the
 * environment it was started in, and only the daemon knows whether the app is new: it checks that (checkAppPoolThreads
 * again, on the environment it will start the app in).
 */
function checkPoolThreads(specs: AppSpec[], values: Values, file: string | undefined): void {
  for (const spec of specs) {
    const takesShell = file === undefined || values['update-env'] === true || !hasOwnEnv(spec);
    const env = file === undefined ? 'from --env' : `from the env of ${JSON.stringify(spec.name)} in ${file}`;
    try {
      checkAppPoolThreads(takesShell ? spec : { ...spec, shellEnv: {} }, {
        env,
        shellEnv: "from this shell's environment",
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
}

function threads(value: string): string {
  if (!/^[1-9]\d*$/.test(value))
    throw new UsageError(`expected --threads to be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Each app's arguments read as its primary will (runArgsProblem), so that a bad `-i`, `--port`, size or duration exits
 * 2 before the daemon is asked, rather than a primary that dies at once leaving an errored (or stopped) app behind. A
 * missing script was refused before (see assertAppScript).
 */
async function checkRunArgs(specs: AppSpec[]): Promise<void> {
  if (specs.length === 0) return;
  // Loaded on use: the parser's modules are not for start's other paths to pay.
  const { runArgsProblem } = await import('../run-args-problem.js');
  for (const spec of specs) {
    const problem = runArgsProblem(spec);
    if (problem) throw new UsageError(`app ${JSON.stringify(spec.name)}: ${problem.message}`);
  }
}
