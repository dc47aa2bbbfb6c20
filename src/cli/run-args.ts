import { basename, extname } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { bareHost, bindHostProblem } from '../bind-host.js';
import type { LogFormat } from '../cluster/log-format.js';
import { portEnvConflict } from '../cluster/option-checks.js';
import { parseStopExitCodes, type SupervisorOptions } from '../cluster/options.js';
import { isConfigFile } from '../config/config-file-name.js';
import { splitArgs } from '../config/split-args.js';
import { APP_NAME_PATTERN, APP_NAME_RULE } from '../daemon/app-name.js';
import { DEBOUNCE_MS } from '../daemon/file-watcher.js';
import { DashboardTokenRequiredError } from '../dashboard/errors.js';
import { envVariableProblem } from '../env-variable.js';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { isLoopbackHost } from '../loopback-host.js';
import { parseArgsWithNegatives } from '../negative-numbers.js';
import { parseArgsMessage } from '../parse-args-message.js';
import { checkPoolThreadsEnv, POOL_THREADS_ENV } from '../pool/sizing.js';
import { repeatedFlag, repeatedFlagMessage } from '../repeated-flag.js';
import { ENV } from '../runtime/protocol.js';
import { parsePort } from './integer-flag.js';
import { type WatchFlagValues, watchFlagName, watchPathsArg, watchSpec } from './watch-flags.js';

/** `hive run`'s parsed command line. */
export interface RunArgs {
  help: boolean;
  logFormat: LogFormat;
  supervisor: SupervisorOptions;
  /** `--metrics-port` / `--metrics-host`: where the primary serves /metrics, /healthz and /readyz. */
  metrics: { port: number; host: string } | undefined;
  /** `--dashboard [host:]port` with `--dashboard-token` (or HIVE_DASHBOARD_TOKEN): the live web dashboard. */
  dashboard: { port: number; host: string; token: string | undefined } | undefined;
  /**
   * `--no-exit-on-error`: the primary stays up once every slot is errored. Without it a foreground `hive run` exits
   * then, and one the daemon forked stays up (see commands/run.ts).
   */
  keepErrored: boolean;
  /** `--watch[=<paths>]`, `--ignore-watch`, `--watch-delay`: a rolling reload when files change (as `hive start`). */
  watch: RunWatch | undefined;
}

/** What `hive run --watch` watches (commands/run-watch.ts), as `hive start --watch` has the daemon watch it. */
export interface RunWatch {
  /** Absolute paths: the script's folder by default. */
  paths: string[];
  /** `--ignore-watch` entries, as file-watcher.ts reads them (node_modules and dot files below a watched folder are always ignored). */
  ignore: string[];
  /** Quiet time after a change before the reload, in ms. */
  delay: number;
}

export const runUsage = `Usage: hive run <script> [options] [-- <script args>]

Runs <script> (JS, or TypeScript through tsx) as a cluster of processes in the foreground.

Options:
  -i, --instances <n|max|-1>       processes: a number, max or 0 (cgroup-aware core count, as PM2), -1 (max minus one)
  -p, --port <port>                the app's port, set as PORT in every process (required with --sticky)
  -e, --env <KEY=VALUE>            extra environment, repeatable
      --name <name>                name in log prefixes (default: the script's base name)
      --threads <n>                threads of each process's shared pool (HIVE_POOL_THREADS; default cores / processes)
      --node-args <args>           Node.js flags for the app processes, e.g. --node-args="--max-old-space-size=512"
                                   (split on spaces outside quotes: --node-args='--title="my app"')
      --balance <rr|os|reuseport>  rr: the primary deals connections out (default); os: shared socket;
                                   reuseport: one SO_REUSEPORT socket per process (Node >= 22.12)
      --sticky <ip|header:<name>|cookie:<name>>  route each client to a stable process (WebSocket apps)
      --socket <path>              the app's HTTP server also accepts on this Unix socket (for nginx on this machine)
      --socket-mode <mode>         the socket file's mode, octal (default 660; 666 lets any local user connect)
      --socket-group <group>       the socket file's group (e.g. www-data, nginx's), so that 660 lets nginx in
      --wait-ready                 a process is ready when it calls ready() from hive/runtime, not when it listens
      --listen-timeout <duration>  how long a new process may take to become ready (default 10s)
      --kill-timeout <duration>    how long a retiring process may drain before SIGKILL (default 5s)
      --drain-idle-grace <duration>  idle time after which a draining process closes a keep-alive connection (1s)
      --keep-alive-timeout <duration>  idle time after which the app's HTTP servers close a keep-alive connection
                                   (node's 5s); above a proxy's own (ingress-nginx, a cloud load balancer: 60s)
      --restart-delay <duration>   fixed delay before restarting a crashed process; given alone it turns the backoff
                                   off (as PM2's restart_delay), with --exp-backoff-restart-delay the backoff wins
      --exp-backoff-restart-delay <duration>  first backoff delay, x1.5 per crash in a row (default 100ms, 0 with
                                   --restart-delay; 0 = off)
      --max-restart-delay <duration>  backoff cap (default 15s)
      --max-restarts <n>           crashes in a row, each before --min-uptime, before the slot is errored (default 10)
      --min-uptime <duration>      uptime after which a process counts as stable (default 1s)
      --no-autorestart             a process that exits is not restarted; once all have, the app stops (PM2's;
                                   under --watch it waits for a change)
      --no-exit-on-error           stay up once every process is errored (default: exit 1; kept up under the daemon)
      --no-treekill                a retired process's own child processes are left running (PM2's; default: stopped)
      --stop-exit-codes <codes>    exit codes after which a process is not restarted, e.g. 0,3 (PM2's stop_exit_codes)
      --max-memory-restart <size>  replace a process whose RSS exceeds this, e.g. 300M (replacement ready first)
      --memory-report-interval <duration>  how often processes report memory and metrics (default 1s; 0 = off)
      --log-format <text|json>     worker lines prefixed [app:instance] (default), or one JSON object per line
      --metrics-port <port>        serve /metrics (Prometheus), /healthz and /readyz on this port (0: any free one)
      --metrics-host <host>        address of the metrics port (default 127.0.0.1; others can reach it only if set)
      --dashboard <[host:]port>    serve the live web dashboard there (host default 127.0.0.1; 0: any free port)
      --dashboard-token <token>    token the dashboard asks for (or HIVE_DASHBOARD_TOKEN); required off loopback
      --server-timing              add a Server-Timing header (total, pool time) to the app's HTTP responses
      --no-http-metrics            do not count HTTP requests (no http_* series, req/s or latency; PM2's --no-pmx)
      --watch[=<paths>]            rolling reload (as SIGHUP) when files change (default: the script's folder;
                                   node_modules, dot files and the files this output is redirected to are ignored);
                                   an errored or ended app waits for the next change to start it again
      --ignore-watch <path>        a name, path or glob (*.log, tmp/**) the watcher ignores (repeatable)
      --watch-delay <delay>        quiet time after a change before the reload: seconds (PM2's), or 500ms, 2s
  -h, --help                       this help

Signals: SIGHUP reloads (rolling, replacement ready first); SIGTERM/SIGINT stop gracefully (a second one forces).`;

const durationOptions = {
  'listen-timeout': 'listenTimeout',
  'kill-timeout': 'killTimeout',
  'drain-idle-grace': 'drainIdleGrace',
  'keep-alive-timeout': 'keepAliveTimeout',
  'restart-delay': 'restartDelay',
  'exp-backoff-restart-delay': 'expBackoffRestartDelay',
  'max-restart-delay': 'maxRestartDelay',
  'min-uptime': 'minUptime',
  'memory-report-interval': 'memoryReportInterval',
} as const;

const runOptions = {
  instances: { type: 'string', short: 'i' },
  port: { type: 'string', short: 'p' },
  env: { type: 'string', short: 'e', multiple: true },
  name: { type: 'string' },
  threads: { type: 'string' },
  'node-args': { type: 'string' },
  balance: { type: 'string' },
  sticky: { type: 'string' },
  socket: { type: 'string' },
  'socket-mode': { type: 'string' },
  'socket-group': { type: 'string' },
  'wait-ready': { type: 'boolean' },
  'max-restarts': { type: 'string' },
  'no-autorestart': { type: 'boolean' },
  'no-treekill': { type: 'boolean' },
  'no-exit-on-error': { type: 'boolean' },
  'stop-exit-codes': { type: 'string' },
  'max-memory-restart': { type: 'string' },
  'log-format': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'server-timing': { type: 'boolean' },
  'no-http-metrics': { type: 'boolean' },
  dashboard: { type: 'string' },
  'dashboard-token': { type: 'string' },
  watch: { type: 'boolean' },
  'watch-paths': { type: 'string' },
  'ignore-watch': { type: 'string', multiple: true },
  'watch-delay': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(Object.keys(durationOptions).map((key) => [key, { type: 'string' as const }])),
} as const satisfies ParseArgsConfig['options'];

const REPEATABLE = new Set(['env', 'ignore-watch']);

// parseArgs' own errors (an unknown flag, a missing value) are bare TypeErrors; they become typed ones here.
function parseOwnArgs(args: string[]) {
  const parsed = (() => {
    try {
      return parseArgsWithNegatives({ args, allowPositionals: true, strict: true, tokens: true, options: runOptions });
    } catch (error) {
      throw new InvalidArgumentError(parseArgsMessage(error, 'run', Object.keys(runOptions)), { cause: error });
    }
  })();
  const repeated = repeatedFlag(parsed.tokens, REPEATABLE);
  if (repeated !== undefined) {
    throw new InvalidArgumentError(repeatedFlagMessage(repeated, watchFlagName(repeated.name)));
  }
  return parsed;
}

/**
 * Parses `hive run`'s arguments; throws InvalidArgumentError on bad input (an unknown flag too), and
 * DashboardTokenRequiredError for a dashboard on a non-loopback address without a token. `env` supplies
 * HIVE_DASHBOARD_TOKEN and tells whether the user set HIVE_REQUEST_SAMPLES.
 */
export function parseRunArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RunArgs {
  const separator = argv.indexOf('--');
  // `--watch=src,lib` as `hive start` reads it (watch-flags.ts).
  const own = joinDashedValues(separator === -1 ? argv : argv.slice(0, separator)).map(watchPathsArg);
  const scriptArgs = separator === -1 ? [] : argv.slice(separator + 1);
  const { values, positionals } = parseOwnArgs(own);
  const logFormat = values['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') {
    throw new InvalidArgumentError(`Expected --log-format to be text or json, got ${describeValue(logFormat)}`);
  }
  if (values.help) {
    const supervisor = { script: '' };
    return {
      help: true,
      logFormat,
      supervisor,
      metrics: undefined,
      dashboard: undefined,
      keepErrored: false,
      watch: undefined,
    };
  }
  const [script, ...extra] = positionals;
  if (script === undefined) throw new InvalidArgumentError('Missing <script>: hive run <script> [options]');
  // Run as a script, a config file only fails at the listen timeout, with a not-ready error that says nothing of it.
  if (isConfigFile(script)) {
    throw new InvalidArgumentError(
      `hive run takes a script; to run a config file use hive start <config> (got ${JSON.stringify(script)})`,
    );
  }
  if (extra.length > 0) {
    throw new InvalidArgumentError(`Unexpected argument ${JSON.stringify(extra[0])}; pass script arguments after --`);
  }
  const supervisor: SupervisorOptions = { script, args: scriptArgs };
  if (values.instances !== undefined) supervisor.instances = values.instances;
  if (values.port !== undefined) supervisor.port = parsePort(values.port);
  if (values.env) supervisor.env = parseEnv(values.env);
  checkPortFlags(supervisor.port, supervisor.env);
  // Every log line and event is prefixed with the name: a newline in it printed lines of its own making (`[hive] a`,
  // then `b[evil] x: worker 0 ... ready`), an empty one `[hive] : ...`; the script's base name, the default, as much
  // as a --name. `hive start`'s rule, without its refusal of `all` (a target word there, only a prefix here): the
  // daemon passes its apps' names here, and a dump may hold `all`.
  if (values.name !== undefined) {
    if (!APP_NAME_PATTERN.test(values.name))
      throw new InvalidArgumentError(`--name ${JSON.stringify(values.name)}: expected ${APP_NAME_RULE}`);
    supervisor.name = values.name;
  } else {
    const name = basename(script, extname(script));
    if (!APP_NAME_PATTERN.test(name)) {
      throw new InvalidArgumentError(
        `the app name ${JSON.stringify(name)} (the script's base name): expected ${APP_NAME_RULE}; give one with --name`,
      );
    }
  }
  if (values.threads !== undefined)
    supervisor.env = { ...supervisor.env, [POOL_THREADS_ENV]: parseThreads(values.threads) };
  else if (supervisor.env !== undefined && Object.hasOwn(supervisor.env, POOL_THREADS_ENV))
    checkPoolThreadsEnv(supervisor.env[POOL_THREADS_ENV], 'from -e');
  else checkPoolThreadsEnv(env[POOL_THREADS_ENV], 'from the environment');
  if (values['node-args'] !== undefined) supervisor.nodeArgs = parseNodeArgs(values['node-args']);
  if (values.balance !== undefined) supervisor.balance = values.balance as SupervisorOptions['balance'];
  if (values.sticky !== undefined) supervisor.sticky = values.sticky;
  if (values.socket !== undefined) supervisor.socket = values.socket;
  if (values['socket-mode'] !== undefined) supervisor.socketMode = values['socket-mode'];
  if (values['socket-group'] !== undefined) supervisor.socketGroup = values['socket-group'];
  if (values['wait-ready']) supervisor.waitReady = true;
  if (values['server-timing']) supervisor.env = { ...supervisor.env, [ENV.serverTiming]: '1' };
  if (values['max-restarts'] !== undefined) supervisor.maxRestarts = values['max-restarts'] as unknown as number;
  if (values['max-memory-restart'] !== undefined) supervisor.maxMemoryRestart = values['max-memory-restart'];
  if (values['no-autorestart']) supervisor.autorestart = false;
  if (values['no-http-metrics']) supervisor.httpMetrics = false;
  if (values['no-treekill']) supervisor.treekill = false;
  if (values['stop-exit-codes'] !== undefined) {
    supervisor.stopExitCodes = parseStopExitCodes(values['stop-exit-codes'], '--stop-exit-codes');
  }
  for (const [flag, key] of Object.entries(durationOptions)) {
    const value = (values as Record<string, unknown>)[flag];
    if (typeof value === 'string') (supervisor as unknown as Record<string, unknown>)[key] = value;
  }
  const metrics = parseMetrics(values['metrics-port'], values['metrics-host']);
  if (metrics && metrics.port !== 0 && metrics.port === supervisor.port) {
    throw new InvalidArgumentError(`--metrics-port ${metrics.port} is the app's --port; give the metrics another port`);
  }
  const dashboard = parseDashboard(values.dashboard, values['dashboard-token'] ?? env.HIVE_DASHBOARD_TOKEN);
  if (dashboard && dashboard.port !== 0 && dashboard.port === supervisor.port) {
    throw new InvalidArgumentError(
      `--dashboard port ${dashboard.port} is the app's --port; give the dashboard another`,
    );
  }
  if (dashboard && metrics && dashboard.port !== 0 && dashboard.port === metrics.port) {
    throw new InvalidArgumentError(`--dashboard port ${dashboard.port} is the --metrics-port; give it another`);
  }
  // Only then does a retiring process send its own prom-client metrics (runtime/final-app-metrics.ts): a daemon with a
  // metrics port says so in its primaries' environment. In options.env, so that a reload's new environment keeps it.
  if (metrics || env[ENV.appMetrics] === '1') supervisor.env = { ...supervisor.env, [ENV.appMetrics]: '1' };
  // The dashboard's waterfall needs request timelines; a few per report are cheap, and the user's own value wins.
  if (dashboard && supervisor.env?.[ENV.requestSamples] === undefined && env[ENV.requestSamples] === undefined) {
    supervisor.env = { ...supervisor.env, [ENV.requestSamples]: '5' };
  }
  if (values['dashboard-token'] !== undefined && !dashboard) {
    throw new InvalidArgumentError('--dashboard-token needs --dashboard');
  }
  const watch = parseWatch(script, values);
  return {
    help: false,
    logFormat,
    supervisor,
    metrics,
    dashboard,
    keepErrored: values['no-exit-on-error'] === true,
    watch,
  };
}

// The watch flags, as `hive start` reads them for a script, with the defaults of file-watcher.ts.
function parseWatch(script: string, values: WatchFlagValues): RunWatch | undefined {
  const watch = watchSpec(script, values, InvalidArgumentError);
  if (watch === undefined) return undefined;
  return { paths: watch.paths, ignore: watch.ignore ?? [], delay: watch.delay ?? DEBOUNCE_MS };
}

// `9000`, `0.0.0.0:9000`, `[::1]:9000`: the port alone binds loopback.
function parseDashboard(value: string | undefined, token: string | undefined): RunArgs['dashboard'] {
  if (value === undefined) return undefined;
  const match = /^(?:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):)?(\d+)$/.exec(value);
  if (!match) {
    throw new InvalidArgumentError(
      `Expected --dashboard to be [host:]port, e.g. 9000 or 0.0.0.0:9000, got ${describeValue(value)}`,
    );
  }
  const host = match[1] === undefined ? '127.0.0.1' : bareHost(match[1]);
  const port = parsePort(match[2]!, '--dashboard');
  const secret = token === '' ? undefined : token;
  if (secret === undefined && !isLoopbackHost(host))
    throw new DashboardTokenRequiredError(host, 'set --dashboard-token (or HIVE_DASHBOARD_TOKEN)');
  return { port, host, token: secret };
}

function parseMetrics(port: string | undefined, host: string | undefined): RunArgs['metrics'] {
  if (port === undefined) {
    if (host !== undefined) throw new InvalidArgumentError('--metrics-host needs --metrics-port');
    return undefined;
  }
  const problem = host === undefined ? undefined : bindHostProblem(host);
  if (problem !== undefined) {
    throw new InvalidArgumentError(`Expected --metrics-host to be ${problem}, got ${describeValue(host)}`);
  }
  return { port: parsePort(port, '--metrics-port'), host: host === undefined ? '127.0.0.1' : bareHost(host) };
}

/**
 * PM2 users write `--node-args "--max-old-space-size=512"`; parseArgs would call it ambiguous. (`-i -1`, a negative
 * number, is a value to parseArgsWithNegatives.)
 */
export function joinDashedValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--node-args' && next?.startsWith('-')) {
      out.push(`--node-args=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * Splits `--node-args` into Node.js flags with {@link splitArgs} (as a config file's `node_args` are split): on
 * whitespace, except inside quotes, so `--title="my app"` and `--require '/a b/x.js'` arrive whole. A quote left open
 * is refused here, where it is most likely a typo.
 */
export function parseNodeArgs(value: string): string[] {
  const { args, unclosed } = splitArgs(value);
  if (unclosed) throw new InvalidArgumentError(`Expected --node-args to close each quote, got ${describeValue(value)}`);
  return args;
}

/** The `--node-args` value that {@link parseNodeArgs} reads back as `args`, each one whole. */
export { joinArgs as formatNodeArgs } from '../config/split-args.js';

/** `--threads`: a positive integer, as `hive start --threads` takes it. */
function parseThreads(value: string): string {
  if (!/^[1-9]\d*$/.test(value)) {
    throw new InvalidArgumentError(`Expected --threads to be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Refuses `--port` beside another port in `--env PORT=` (cluster/option-checks.ts's rule), naming the flags: one text
 * for `hive run` and `hive start <script>`.
 */
export function checkPortFlags(
  port: number | undefined,
  env: Readonly<Record<string, string | undefined>> | undefined,
): void {
  const envPort = env !== undefined && Object.hasOwn(env, 'PORT') ? env.PORT : undefined;
  const conflict = portEnvConflict(port, envPort);
  if (conflict !== undefined) throw new InvalidArgumentError(`--port ${port} and --env PORT=${envPort} ${conflict}`);
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new InvalidArgumentError(`Expected --env to be KEY=VALUE, got ${describeValue(pair)}`);
    // The pattern leaves out empty names and `=` (argv holds no NUL); `__proto__` fits it.
    const problem = envVariableProblem(match[1]!, match[2]);
    if (problem !== undefined) throw new InvalidArgumentError(`--env ${match[1]}: ${problem}`);
    env[match[1]!] = match[2]!;
  }
  return env;
}
