import { knownPort } from '../cluster/known-port.js';
import { kListenTimeoutWhy, parseKeepAliveTimeout } from '../cluster/options.js';
import { stickyModeProblem } from '../cluster/sticky-mode.js';
import { parseDuration, parsePositiveDuration, parseSize } from '../cluster/units.js';
import { splitArgs } from '../config/split-args.js';
import { ENV } from '../runtime/protocol.js';
import { appEnvironment } from './app-environment.js';
import { DEBOUNCE_MS } from './file-watcher.js';
import { forkRestartPolicy } from './fork-restart-policy.js';
import type { AppSettings, AppSpec } from './protocol.js';
import { ownRunArgs, runArgFlag, treekillOf } from './run-arg-flag.js';
import { killTimeoutOf } from './stop-timeout.js';

const BALANCE_MODES: readonly string[] = ['rr', 'os', 'reuseport'];

/**
 * What an app runs with, as its primary reads it (`hive describe`, as PM2's describe shows its settings): the
 * restart policy, memory limit, kill timeout, drain idle grace, keep-alive timeout, listen timeout, memory report interval, port, socket,
 * sticky mode and balancing from its `hive run` arguments, where `hive start` writes them for both modes (and the
 * port from its environment without `--port`: given by its own env, or only inherited), with the defaults filled in.
 * A value the primary would refuse (it then exits at once) reads as null.
 */
export function appSettings(spec: AppSpec): AppSettings {
  const own = ownRunArgs(spec.runArgs);
  const flag = (name: string) => runArgFlag(spec.runArgs, name);
  let policy: ReturnType<typeof forkRestartPolicy> | undefined;
  try {
    policy = forkRestartPolicy(spec.runArgs);
  } catch {}
  let maxMemoryRestart: number | null = null;
  const size = flag('max-memory-restart');
  try {
    if (size !== undefined) maxMemoryRestart = parseSize(size, 'maxMemoryRestart');
  } catch {}
  let memoryReportInterval: number | null = null;
  try {
    // The primary's default (cluster/options.ts); a fork-mode app has no reports.
    if (!spec.fork)
      memoryReportInterval = parseDuration(flag('memory-report-interval') ?? 1_000, 'memoryReportInterval');
  } catch {}
  let drainIdleGrace: number | null = null;
  try {
    // The primary's default (cluster/options.ts); a fork-mode program is stopped by its signal, not drained.
    if (!spec.fork) drainIdleGrace = parseDuration(flag('drain-idle-grace') ?? 1_000, 'drainIdleGrace');
  } catch {}
  let keepAliveTimeout: number | null = null;
  try {
    const given = spec.fork ? undefined : flag('keep-alive-timeout');
    if (given !== undefined) keepAliveTimeout = parseKeepAliveTimeout(given, 'keepAliveTimeout');
  } catch {}
  let listenTimeout: number | null = null;
  try {
    // hive run's and the fork primary's default (control-timeout.ts); `hive deploy --app` carries it into the recipe.
    listenTimeout = parsePositiveDuration(flag('listen-timeout') ?? 10_000, 'listenTimeout', kListenTimeoutWhy);
  } catch {}
  // The environment a restart would start the app in, as `hive env` shows it (a reload's pending one is not yet its).
  const env = appEnvironment(spec);
  const port = appPort(spec, env, spec.fork ? undefined : flag('port'));
  const sticky = spec.fork ? undefined : flag('sticky');
  const balance = spec.fork ? undefined : (flag('balance') ?? 'rr');
  return {
    instances: spec.instances,
    // Past the `--` that ends Hive's flags (none: nothing left).
    args: spec.runArgs.slice(own.length + 1),
    ...port,
    // Each primary adds the instance number (cluster/supervisor.ts setInstanceVars, fork-primary.ts instanceVars).
    portPerInstance: env[ENV.incrementVar] === 'PORT',
    nodeArgs: spec.fork ? leadingFlags(spec.fork.args) : splitArgs(flag('node-args') ?? '').args,
    balance: balance !== undefined && BALANCE_MODES.includes(balance) ? (balance as AppSettings['balance']) : null,
    sticky: sticky !== undefined && stickyModeProblem(sticky) === undefined ? sticky : null,
    command: spec.fork ? spec.fork.command : null,
    autorestart: spec.autorestart !== false && (policy?.autorestart ?? !own.includes('--no-autorestart')),
    maxRestarts: policy?.maxRestarts ?? null,
    minUptime: policy?.minUptime ?? null,
    restartDelay: policy?.restartDelay ?? null,
    expBackoffRestartDelay: policy?.expBackoffRestartDelay ?? null,
    maxMemoryRestart,
    killTimeout: killTimeoutOf(spec),
    memoryReportInterval,
    drainIdleGrace,
    keepAliveTimeout,
    listenTimeout,
    // Only a cluster's runtime counts requests; a fork-mode program has no runtime (null).
    httpMetrics: spec.fork ? null : !own.includes('--no-http-metrics'),
    // A cluster process is retired by Hive's drain (then its SIGINT handlers), not by a signal of the app's choosing.
    killSignal: spec.fork ? (spec.killSignal ?? 'SIGINT') : null,
    treekill: treekillOf(spec.runArgs),
    waitReady: own.includes('--wait-ready'),
    ignoreWatch: spec.watch ? (spec.ignoreWatch ?? []) : [],
    watchDelay: spec.watch ? (spec.watchDelay ?? DEBOUNCE_MS) : null,
    // `hive edge nginx --app` builds the app's upstream from port, socket and sticky.
    socket: spec.fork ? null : (flag('socket') ?? null),
  };
}

/**
 * The app's port as given (`--port`, its own env's PORT, increment_var PORT: what its primary counts as given,
 * cluster/app-port.ts), else the PORT it inherits. A fork-mode program is told PORT by its env alone: `hive start`
 * puts its --port there, and `portFlag` is undefined.
 */
function appPort(
  spec: AppSpec,
  env: NodeJS.ProcessEnv,
  portFlag: string | undefined,
): Pick<AppSettings, 'port' | 'inheritedPort'> {
  // `hive run` sets PORT from --port over the inherited one.
  if (portFlag !== undefined) return { port: knownPort(portFlag) ?? null, inheritedPort: null };
  const port = knownPort(env.PORT) ?? null;
  const given = Object.hasOwn(spec.env, 'PORT') || env[ENV.incrementVar] === 'PORT';
  return given ? { port, inheritedPort: null } : { port: null, inheritedPort: port };
}

// A fork-mode program's own flags come before its script (`node --inspect app.js`); what follows is the script's.
function leadingFlags(args: readonly string[]): string[] {
  const script = args.findIndex((arg) => !arg.startsWith('-'));
  return args.slice(0, script === -1 ? args.length : script);
}
