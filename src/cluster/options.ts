import { statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { logicalCwd } from '../logical-path.js';
import { MAX_UNIX_SOCKET_PATH_BYTES, unixSocketPathOverLimit } from '../unix-socket-path.js';
import { assertBalanceSupported, type BalanceMode } from './balance.js';
import { ScriptNotFoundError } from './errors.js';
import { groupId } from './group-id.js';
import { assertInstanceVars } from './instance-vars.js';
import { resolveInstances } from './instances.js';
import {
  assertKnownKeys,
  assertMemoryReports,
  booleanOption,
  clusterNodeArgs,
  envRecord,
  portEnvConflict,
  stringList,
  textOption,
} from './option-checks.js';
import type { RestartPolicyOptions } from './restart-policy.js';
import { parseStickyMode, type StickyMode } from './sticky-mode.js';
import { bareMillisecondsSlip, parseDuration, parsePositiveDuration, parseSize } from './units.js';

/** `listenTimeout` in ms, 10 s when undefined: also a reload's new one (Supervisor#reload). */
export function parseListenTimeout(value: unknown): number {
  return parsePositiveDuration(value ?? 10_000, 'listenTimeout', kListenTimeoutWhy);
}

/** `killTimeout` in ms, 5 s when undefined: also a reload's new one (Supervisor#reload). */
export function parseKillTimeout(value: unknown): number {
  return parseDuration(value ?? 5_000, 'killTimeout');
}

/** Why `listenTimeout` 0 is refused (the config schema says it too). */
export const kListenTimeoutWhy = 'on 0 every process fails to become ready at once';
/** Node takes 0 as "never": every idle connection a client leaves would stay open. */
export const kKeepAliveTimeoutWhy = 'node takes 0 as never closing an idle connection';

/**
 * `keepAliveTimeout` (`--keep-alive-timeout`): a duration of more than 0, and not a bare number under a second, which
 * is seconds written without their unit far more often than a wish to drop idle connections within a second.
 */
export function parseKeepAliveTimeout(value: unknown, key: string): number {
  const ms = parsePositiveDuration(value, key, kKeepAliveTimeoutWhy);
  const slip = bareMillisecondsSlip(value, ms);
  if (slip !== undefined) {
    throw new InvalidArgumentError(
      `Expected \`${key}\` to be a duration such as 65s, got ${describeValue(value)} (${slip})`,
    );
  }
  return ms;
}

/** Options of a {@link Supervisor}: one app, run as a cluster of processes. Durations in ms, sizes in bytes. */
export interface SupervisorOptions extends Partial<RestartPolicyOptions> {
  /** The app's entry script (JS, ESM or CJS, or TypeScript run through tsx). */
  script: string;
  /** Arguments passed to the script (copied: a readonly array, `as const`, will do). */
  args?: readonly string[];
  /** Name in log prefixes; defaults to the script's base name. */
  name?: string;
  /** A positive integer, `'max'` (cgroup-aware core count) or -1 (max minus one). Default `'max'`. */
  instances?: number | string;
  /**
   * Extra environment of the app processes (over the primary's own). A variable set to undefined is unset in them, as
   * child_process leaves it out: `process.env` itself, or `{ ...process.env, DEBUG: undefined }`, may be given.
   */
  env?: Record<string, string | undefined>;
  /**
   * Node.js flags of the app processes (e.g. `--max-old-space-size=512`). Not node's watch mode (`--watch`,
   * `--watch-path`), whose child is no cluster worker: an InvalidArgumentError.
   */
  nodeArgs?: readonly string[];
  /**
   * Working directory of the workers, and the one the script (and `socket`, when given) is resolved from. Default: the shell's
   * (`$PWD`, symlinks kept, while it names `process.cwd()`), else `process.cwd()`.
   */
  cwd?: string;
  /** `rr`: the primary accepts and deals out (default); `os`: processes accept on a shared socket; `reuseport`. */
  balance?: BalanceMode;
  /** Route each client to a stable worker (`ip`, `header:<name>`, `cookie:<name>`); the primary owns the port. */
  sticky?: string | StickyMode;
  /** The app's port: set as PORT in the app processes; required with `sticky`. */
  port?: number;
  /**
   * A Unix socket the app's HTTP server also accepts on (for nginx on the same machine): the server on `port`, or the
   * first HTTP server when there is no `port`. Relative paths resolve against `cwd`.
   */
  socket?: string;
  /** The socket file's mode: an octal string (`'660'`, `'0o666'`) or a number (`0o660`). Default `'660'`. */
  socketMode?: string | number;
  /**
   * The socket file's group (a name from /etc/group, or a gid), e.g. nginx's `www-data`, so that mode 660 lets nginx
   * in and nobody else; the app's user must belong to it (or be root). Default: the app user's group.
   */
  socketGroup?: string | number;
  /** A worker is ready when it calls the runtime's `ready()` instead of when it listens. */
  waitReady?: boolean;
  /** How long a new worker may take to become ready. Default 10 s. */
  listenTimeout?: number | string;
  /** How long a retiring worker may take to drain and exit before SIGKILL. Default 5 s. */
  killTimeout?: number | string;
  /** How long a keep-alive connection must sit idle before a draining worker closes it. Default 1 s. */
  drainIdleGrace?: number | string;
  /**
   * How long the app's HTTP(S) servers keep an idle keep-alive connection open (node's `server.keepAliveTimeout`,
   * default 5 s), for the servers the app leaves at node's default. Behind a proxy that keeps idle connections to the
   * app longer (ingress-nginx 60 s, an AWS load balancer 60 s), set it above the proxy's: then the proxy, never the
   * app, closes an idle connection, and a request it sends just as the app closes one cannot fail (a 502).
   */
  keepAliveTimeout?: number | string;
  /**
   * PM2's `treekill`: the processes a retired worker started (and theirs) are stopped once it has exited, SIGTERM
   * then SIGKILL after killTimeout, so that none outlives a stop, reload or scale down. Linux only. Default true.
   */
  treekill?: boolean;
  /** Replace a worker whose RSS exceeds this (bytes, or `300M`), through the reload path. */
  maxMemoryRestart?: number | string;
  /** How often workers report their memory. Default 1 s. */
  memoryReportInterval?: number | string;
  /**
   * Count every HTTP request in the app processes (`http_requests_total`, response times, req/s in the live views).
   * False (`hive run --no-http-metrics`, PM2's `pmx: false` idea): the runtime does not subscribe to node's HTTP
   * diagnostics channels, requests cost nothing extra, and the views show no HTTP figures for the app; the process
   * metrics (CPU, memory, event loop, pools) stay. Default true.
   */
  httpMetrics?: boolean;
}

/** Options after validation, with defaults filled in. */
export interface FilledOptions extends RestartPolicyOptions {
  script: string;
  /** Where the workers run, symlinks kept. */
  cwd: string;
  args: string[];
  name: string;
  instances: number;
  /** Undefined values: variables unset in the app processes. */
  env: Record<string, string | undefined>;
  nodeArgs: string[];
  balance: BalanceMode;
  sticky: StickyMode | undefined;
  port: number | undefined;
  socket: string | undefined;
  socketMode: number;
  /** gid of `socketGroup`. */
  socketGroup: number | undefined;
  waitReady: boolean;
  listenTimeout: number;
  killTimeout: number;
  drainIdleGrace: number;
  /** Undefined: node's default, untouched. */
  keepAliveTimeout: number | undefined;
  treekill: boolean;
  maxMemoryRestart: number | undefined;
  memoryReportInterval: number;
  httpMetrics: boolean;
  typescript: boolean;
  autorestart: boolean;
  stopExitCodes: readonly number[];
}

const balanceModes = new Set<BalanceMode>(['rr', 'os', 'reuseport']);
// The runtime finds the app's server among the process's servers by its port (listen-patch.ts), and the processes are
// told the port as PORT: a router on a port the system picks would have to be asked for it first.
const STICKY_PORT_0 =
  "the app's server is told apart from the process's other servers by listening on that port (PORT), and 0 is " +
  'the port of every server that asks the system for one; give a fixed port';

// Every key of SupervisorOptions: the compiler refuses this object when one is added there and not here.
const optionKeys: Record<keyof SupervisorOptions, true> = {
  script: true,
  args: true,
  name: true,
  instances: true,
  env: true,
  nodeArgs: true,
  cwd: true,
  balance: true,
  sticky: true,
  port: true,
  socket: true,
  socketMode: true,
  socketGroup: true,
  waitReady: true,
  listenTimeout: true,
  killTimeout: true,
  drainIdleGrace: true,
  keepAliveTimeout: true,
  treekill: true,
  maxMemoryRestart: true,
  memoryReportInterval: true,
  httpMetrics: true,
  restartDelay: true,
  expBackoffRestartDelay: true,
  maxRestartDelay: true,
  maxRestarts: true,
  minUptime: true,
  autorestart: true,
  stopExitCodes: true,
};
const knownKeys: ReadonlySet<string> = new Set(Object.keys(optionKeys));

/** Validates options at the door, naming the offending key and value. */
export function fillOptions(options: SupervisorOptions): FilledOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`Expected options to be an object, got ${describeValue(options)}`);
  }
  assertKnownKeys(options, knownKeys, 'Supervisor');
  if (typeof options.script !== 'string' || options.script === '') {
    throw new InvalidArgumentError(`Expected \`script\` to be a path, got ${describeValue(options.script)}`);
  }
  // Symlinks kept (a deploy's `current`): each worker forked there, at a reload too, runs the release linked then.
  const givenCwd = textOption(options.cwd, 'cwd', 'a path');
  const cwd = givenCwd ?? logicalCwd();
  const script = resolve(cwd, options.script);
  assertScriptFile(script);
  const balance = options.balance ?? 'rr';
  if (!balanceModes.has(balance)) {
    throw new InvalidArgumentError(`Expected \`balance\` to be rr, os or reuseport, got ${describeValue(balance)}`);
  }
  const sticky = stickyOption(options.sticky);
  // Under sticky the balance is ignored (with a warning): a mode this Node lacks is no reason to refuse the run.
  if (!sticky) assertBalanceSupported(balance);
  const port = portOption(options.port);
  if (sticky && port === undefined) {
    throw new InvalidArgumentError('`sticky` needs `port`: the primary listens on it itself');
  }
  if (sticky && port === 0) throw new InvalidArgumentError(`\`sticky\` cannot use \`port\` 0: ${STICKY_PORT_0}`);
  // Against the resolved folder when none is given, as before: a socket must not move with a deploy's symlink.
  const socket = options.socket === undefined ? undefined : socketPath(options.socket, givenCwd);
  if (socket !== undefined && sticky) {
    throw new InvalidArgumentError(
      "`socket` cannot be combined with `sticky`: only the primary's router on `port` keeps clients on their process",
    );
  }
  const env = options.env === undefined ? {} : envRecord(options.env, 'env');
  // For the API's callers: a daemon's primary gets its app's env as its process environment, which this does not
  // see, so `hive start` and the config loader make the same check before (run-args.ts, config/load-config.ts).
  const conflict = portEnvConflict(port, Object.hasOwn(env, 'PORT') ? env.PORT : undefined);
  if (conflict !== undefined)
    throw new InvalidArgumentError(`\`port\` ${port} and \`env\` PORT=${env.PORT} ${conflict}`);
  // Every way in passes here (a config file, `hive run -e`, the primary's own environment).
  assertInstanceVars((name) => (Object.hasOwn(env, name) ? env[name] : process.env[name]), sticky);
  const maxMemoryRestart =
    options.maxMemoryRestart === undefined ? undefined : parseSize(options.maxMemoryRestart, 'maxMemoryRestart');
  const memoryReportInterval = parseDuration(options.memoryReportInterval ?? 1_000, 'memoryReportInterval');
  assertMemoryReports(maxMemoryRestart, memoryReportInterval);
  return {
    script,
    cwd,
    args: stringList(options.args, 'args'),
    name: textOption(options.name, 'name') ?? basename(script, extname(script)),
    instances: resolveInstances(options.instances ?? 'max'),
    env,
    nodeArgs: clusterNodeArgs(options.nodeArgs),
    balance,
    sticky,
    port,
    socket,
    socketMode: parseSocketMode(options.socketMode ?? '660'),
    socketGroup: options.socketGroup === undefined ? undefined : socketGroupId(options.socketGroup),
    waitReady: booleanOption(options.waitReady, 'waitReady', false),
    listenTimeout: parseListenTimeout(options.listenTimeout),
    killTimeout: parseKillTimeout(options.killTimeout),
    drainIdleGrace: parseDuration(options.drainIdleGrace ?? 1_000, 'drainIdleGrace'),
    keepAliveTimeout:
      options.keepAliveTimeout === undefined
        ? undefined
        : parseKeepAliveTimeout(options.keepAliveTimeout, 'keepAliveTimeout'),
    treekill: booleanOption(options.treekill, 'treekill', true),
    maxMemoryRestart,
    memoryReportInterval,
    httpMetrics: booleanOption(options.httpMetrics, 'httpMetrics', true),
    restartDelay: parseDuration(options.restartDelay ?? 0, 'restartDelay'),
    // A fixed restartDelay given alone means that delay, as in PM2 (whose backoff is on only when asked for); the
    // default backoff would otherwise override it without a word.
    expBackoffRestartDelay: parseDuration(
      options.expBackoffRestartDelay ?? (options.restartDelay === undefined ? 100 : 0),
      'expBackoffRestartDelay',
    ),
    maxRestartDelay: parseDuration(options.maxRestartDelay ?? 15_000, 'maxRestartDelay'),
    maxRestarts: nonNegativeInteger(options.maxRestarts ?? 10, 'maxRestarts'),
    minUptime: parseDuration(options.minUptime ?? 1_000, 'minUptime'),
    autorestart: booleanOption(options.autorestart, 'autorestart', true),
    stopExitCodes: parseStopExitCodes(options.stopExitCodes ?? []),
    typescript: /\.[cm]?tsx?$/.test(script),
  };
}

/**
 * Throws {@link ScriptNotFoundError} unless `path` (resolved) is there and is not a directory. Node would run a
 * directory's index.js or package.json main, a guess the user did not write (and an ESM folder fails in every worker,
 * a crash loop); the file is asked for instead. `hive start` makes the same check of a fork-mode program.
 */
export function assertScriptFile(path: string): void {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch {
    // Not there for this process either (a path through a file, ENOTDIR; a folder it may not search, EACCES).
    throw new ScriptNotFoundError(path);
  }
  if (stat === undefined) throw new ScriptNotFoundError(path);
  if (stat.isDirectory()) throw new ScriptNotFoundError(path, true);
}

// A number, or its digits as a string (as a flag or an environment variable gives it); not `true` or '' (Number()
// would read them as 1 and 0).
function portOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port < 65536) return port;
  throw new InvalidArgumentError(`Expected \`port\` to be an integer 0-65535, got ${describeValue(value)}`);
}

// The text form, or the parsed one ({ by: 'cookie', name: 'sid' }), checked as the text would be.
function stickyOption(value: unknown): StickyMode | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return parseStickyMode(value);
  const mode = typeof value === 'object' && value !== null ? (value as { by?: unknown; name?: unknown }) : {};
  if (mode.by === 'ip') return { by: 'ip' };
  if ((mode.by === 'header' || mode.by === 'cookie') && typeof mode.name === 'string') {
    return parseStickyMode(`${mode.by}:${mode.name}`);
  }
  throw new InvalidArgumentError(
    `Expected \`sticky\` to be ip, header:<name> or cookie:<name> (or { by, name }), got ${describeValue(value)}`,
  );
}

/**
 * PM2's `stop_exit_codes`: exit statuses (integers 0-255), as an array or, from a flag, a comma-separated string
 * (`0,3`). Numeric strings in an array are numbers, as PM2 reads them.
 */
export function parseStopExitCodes(value: unknown, key = 'stopExitCodes'): number[] {
  const list =
    typeof value === 'string'
      ? value.trim() === ''
        ? []
        : value.split(',')
      : Array.isArray(value)
        ? value
        : undefined;
  const codes = list?.map((item) => (typeof item === 'string' && /^\s*\d+\s*$/.test(item) ? Number(item) : item));
  if (codes?.every((code) => Number.isInteger(code) && code >= 0 && code <= 255))
    return [...new Set(codes as number[])];
  throw new InvalidArgumentError(
    `Expected \`${key}\` to be a list of exit codes (integers 0-255), got ${describeValue(value)}`,
  );
}

function nonNegativeInteger(value: unknown, key: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  throw new InvalidArgumentError(`Expected \`${key}\` to be a non-negative integer, got ${describeValue(value)}`);
}

function socketPath(value: unknown, cwd: string | undefined): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(`Expected \`socket\` to be a path, got ${describeValue(value)}`);
  }
  const path = resolve(cwd ?? process.cwd(), value);
  if (unixSocketPathOverLimit(path) !== undefined) {
    throw new InvalidArgumentError(
      `Expected \`socket\` to be at most ${MAX_UNIX_SOCKET_PATH_BYTES} bytes long (a Unix socket path), got ${path}`,
    );
  }
  return path;
}

type OctalDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7';
/** A socket mode string {@link parseSocketMode} accepts: three octal digits, bare or after `0` or `0o` (`"660"`). */
export type SocketModeText = `${'' | '0' | '0o'}${OctalDigit}${OctalDigit}${OctalDigit}`;

/** `'660'`, `'0660'`, `'0o660'` or a number such as 0o660 (a permission mode, so at most 0o777). */
export function parseSocketMode(value: unknown): number {
  const mode =
    typeof value === 'string' && /^(0o?)?[0-7]{3}$/.test(value)
      ? Number.parseInt(value.replace(/^0o?/, ''), 8)
      : typeof value === 'number' && Number.isInteger(value)
        ? value
        : Number.NaN;
  if (mode >= 0 && mode <= 0o777) return mode;
  throw new InvalidArgumentError(
    `Expected \`socketMode\` to be an octal mode such as "660" or "666" (a string), got ${describeValue(value)}`,
  );
}

function socketGroupId(value: unknown): number {
  const gid = typeof value === 'string' || typeof value === 'number' ? groupId(value) : undefined;
  if (gid !== undefined) return gid;
  throw new InvalidArgumentError(
    `Expected \`socketGroup\` to be a group of this machine (a name in /etc/group, or a gid), got ${describeValue(value)}`,
  );
}
