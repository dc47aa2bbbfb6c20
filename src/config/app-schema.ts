import { constants } from 'node:os';
import { z } from 'zod';
import { bindHostProblem } from '../bind-host.js';
import { kKeepAliveTimeoutWhy, kListenTimeoutWhy, parseSocketMode, type SocketModeText } from '../cluster/options.js';
import { stickyModeProblem } from '../cluster/sticky-mode.js';
import { bareMillisecondsSlip, type DurationText, parseDuration, parseSize, type SizeText } from '../cluster/units.js';
import { namespaceProblem } from '../daemon/app-name.js';
import { parseRotationSetting } from '../daemon/log-rotation.js';
import { cronProblem } from './cron-problem.js';
import { splitArgs } from './split-args.js';

// Values are checked with the same parsers the supervisor uses, so a config that loads is one that runs.
const kDurationExpected = 'a duration like 5s, 500ms, 1h, or a number of ms';
const duration = accepting<number | DurationText>(
  z.union([z.number(), z.string()]).superRefine(refineWith(parseDuration, kDurationExpected)),
);
const size = accepting<number | SizeText>(
  z.union([z.number(), z.string()]).superRefine(refineWith(parseSize, 'a size like 300M, 1G or bytes')),
);
const stringList = z.union([z.string(), z.array(z.string())]);

// The caps the daemon's protocol (daemon/protocol.ts, appSpecSchema) puts on what an app's spec holds, made here too so
// that a value over one is a config error naming its key and file, not the daemon's refusal of the start. A path is
// at most PATH_MAX.
const MAX_PATH = 4096;
const MAX_ARG = 65536;
// `runArgs` holds at most 1000, `hive run`'s own flags (about 25) among them; a fork-mode command line (1000 too) holds
// the node flags and the script as well.
const MAX_ARGS = 900;
const MAX_NODE_ARGS = 64;
const MAX_SHORT = 256;
const MAX_FILTERS = 1000;
const MAX_WATCHED = 100;
// What `-i` / `instances` may be in the spec: 16 characters (`String()` of a safe integer is at most that).
const MAX_INSTANCES = Number.MAX_SAFE_INTEGER;

/** A string or a list split as `argList` splits it (config/supervisor-options.ts), of at most `items` of `length`. */
function boundedList(items: number, length: number, what: string) {
  return stringList.superRefine((value, ctx) => {
    const list = Array.isArray(value) ? value : splitArgs(value).args;
    if (list.length > items) ctx.addIssue({ code: 'custom', message: `expected at most ${items} ${what}` });
    const long = list.findIndex((item) => item.length > length);
    if (long !== -1) {
      ctx.addIssue({
        code: 'custom',
        ...(Array.isArray(value) ? { path: [long] } : {}),
        message: `expected at most ${length} characters in each of the ${what}`,
      });
    }
  });
}
/**
 * An env variable's value. YAML's `.inf` and `.nan` (JavaScript's Infinity, NaN) are numbers that the schema's number
 * refuses: "expected a string, number or boolean" of a number sent the reader looking for what else was wrong.
 */
export const envValue = z.union([z.string(), z.number(), z.boolean()], {
  error: (issue) =>
    typeof issue.input === 'number'
      ? `expected a string, a finite number or a boolean, got ${issue.input}; quote it to pass it as text`
      : 'expected a string, number or boolean',
});
const envMap = z.record(z.string(), envValue, {
  error: 'expected an object of variables, such as { NODE_ENV: "production" }',
});
const kInstancesMessage = 'a whole number, "max" or -1';
const kCountMessage = 'expected a whole number, 0 or more';
const exitCodeMessage = 'expected an exit code (an integer 0-255)';
const exitCode = z
  .number({ error: exitCodeMessage })
  .int(exitCodeMessage)
  .min(0, exitCodeMessage)
  .max(255, exitCodeMessage);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

// zod types a string checked by a regex or a parser as any string, so `instances: 'lots'` would type-check in
// `defineConfig` and only fail at load. This names, for the exported types, the strings the check lets through; the
// check itself is unchanged. Keep the two together: test/config/config-types.ts compiles what each must accept.
function accepting<T>(schema: z.ZodType): z.ZodType<T, T> {
  return schema as unknown as z.ZodType<T, T>;
}

const appShape = {
  /** Name shown by `hive ls` and in log prefixes; unique within a file. */
  name: z.string().min(1),
  /**
   * PM2's `namespace` (default `default`): `hive stop|restart|reload|delete <namespace>` act on all its apps, and
   * `hive ls` shows it. App names stay unique across namespaces.
   */
  namespace: z
    .string()
    .superRefine((value, ctx) => {
      const problem = namespaceProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** Entry script (JS, ESM or CJS, TypeScript) or, with `interpreter`, any program. */
  script: z.string().min(1).max(MAX_PATH),
  /** Arguments for the script: an array, or one string split on spaces. */
  args: boundedList(MAX_ARGS, MAX_ARG, 'arguments').optional(),
  /** Working directory; relative to the config file's folder. */
  cwd: z.string().max(MAX_PATH).optional(),
  /** Process count: a positive integer, `'max'` (cgroup-aware cores) or -1 (max minus one). */
  // 0 means 'max', as in PM2; below -1 is refused here, as `hive run` would refuse it, rather than at start.
  instances: z
    .union(
      [
        z.number().int(kInstancesMessage).min(-1, kInstancesMessage).max(MAX_INSTANCES),
        accepting<'max' | `${number}`>(z.string().regex(/^(max|-1|\d{1,16})$/, kInstancesMessage)),
      ],
      { error: kInstancesMessage },
    )
    .optional(),
  /** `cluster` (default for Node.js scripts: processes share the port) or `fork` (plain child processes). */
  execMode: z
    .enum(['cluster', 'fork'], {
      message: "expected 'cluster' or 'fork' (a PM2 file's 'cluster_mode' and 'fork_mode' too)",
    })
    .optional(),
  /** Program that runs the script: `node` (default), `none` (the script is an executable), or a path/command. */
  interpreter: z
    .string()
    .min(1)
    .max(MAX_PATH)
    // PM2's `node@<version>` installs and runs that version through nvm; here it would be a program of that name.
    .refine((value) => !/^node@/.test(value), {
      message:
        "PM2's node@<version> (a node installed through nvm) is not supported: give that node's path, such as " +
        '/home/<user>/.nvm/versions/node/v<version>/bin/node (fork mode), or leave it out for the Node.js that runs Hive',
    })
    .optional(),
  /** Node.js flags of the app processes. */
  nodeArgs: boundedList(MAX_NODE_ARGS, MAX_PATH, 'node flags')
    .superRefine((value, ctx) => {
      const list = Array.isArray(value) ? value : splitArgs(value).args;
      if (nodeArgsLength(list) > MAX_ARG - '--node-args='.length) {
        ctx.addIssue({ code: 'custom', message: `expected at most ${MAX_ARG} characters of node flags in all` });
      }
    })
    .optional(),
  /** Environment of the app processes. `env_<name>` keys hold overrides picked with `--env <name>`. */
  env: envMap.optional(),
  /**
   * PM2's `filter_env`: what the app does not take from the environment of `hive start` (its own `env` is kept):
   * `true` all of it, a string the variable of that name, a list the variables whose names contain one of its strings.
   */
  filterEnv: z
    .union([z.boolean(), z.string().min(1).max(MAX_SHORT), z.array(z.string().min(1).max(MAX_SHORT)).max(MAX_FILTERS)])
    .optional(),
  /** PM2's `append_env_to_name`: with `--env <name>`, the app is named `<name>-<env name>` (`api-production`). */
  appendEnvToName: z.boolean().optional(),
  /** The app's port (set as PORT); needed for `sticky`. */
  port: z.number().int().min(0).max(65535).optional(),
  /** Sticky sessions: `ip`, `header:<name>` or `cookie:<name>`. */
  sticky: accepting<'ip' | `header:${string}` | `cookie:${string}`>(
    z.string().superRefine((value, ctx) => {
      const problem = stickyModeProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ).optional(),
  /** A Unix socket the app's HTTP server also accepts on, for nginx on the same machine (`hive run --socket`). */
  socket: z.string().min(1).optional(),
  /** The socket file's mode: an octal string such as `"660"` (default) or `"666"`. */
  socketMode: accepting<number | SocketModeText>(
    z.union([z.string(), z.number()]).superRefine(refineWith(parseSocketMode, 'an octal mode such as "660" or "666"')),
  ).optional(),
  /** The socket file's group: a name in /etc/group (e.g. `www-data`, nginx's) or a gid. */
  socketGroup: z.union([z.string().min(1), z.number().int().min(0)]).optional(),
  /** Load balancing between processes: `rr` (default), `os`, `reuseport`. */
  balance: z.enum(['rr', 'os', 'reuseport']).optional(),
  /**
   * PM2's `instance_var`: the variable set to the instance number in place of NODE_APP_INSTANCE (HIVE_INSTANCE stays).
   */
  instanceVar: envName.optional(),
  /** PM2's `increment_var`: a variable the instance number is added to (`PORT` 3000: 3000, 3001, ...). */
  incrementVar: envName.optional(),
  /** Threads of each process's shared pool (`pool()` of hive/runtime); default: cores / instances. */
  threads: z.number().int().min(1).optional(),
  waitReady: z.boolean().optional(),
  listenTimeout: positiveDuration(kListenTimeoutWhy, '10s').optional(),
  killTimeout: duration.optional(),
  /**
   * How long a draining process leaves a kept-alive connection idle before it closes it (`hive run
   * --drain-idle-grace`, default 1s). Above nginx's `keepalive_timeout` to the app, a reload cannot race a request onto
   * a connection being closed; keep killTimeout above twice it plus 1s (`hive start` warns otherwise).
   */
  drainIdleGrace: duration.optional(),
  /**
   * How long the app's HTTP(S) servers keep an idle keep-alive connection (`hive run --keep-alive-timeout`; default
   * node's 5s), for servers the app leaves at node's default. Above the idle timeout of a proxy in front (ingress-nginx
   * and cloud load balancers keep 60s), the proxy never sends a request onto a connection the app is closing.
   */
  keepAliveTimeout: positiveDuration(kKeepAliveTimeoutWhy, '65s', true).optional(),
  /**
   * PM2's `shutdown_with_message`: a retiring process, once drained and its onShutdown hooks run, is sent the message
   * `'shutdown'` (its `process.on('message')` handler), and exits itself, within killTimeout.
   */
  shutdownWithMessage: z.boolean().optional(),
  /**
   * PM2's `kill_signal`: the signal a fork-mode process is stopped with (default `SIGINT`, PM2's), for programs whose
   * graceful stop is another one (gunicorn and postgres take SIGINT as a quick stop, SIGTERM as a graceful one). A
   * cluster process is retired by Hive's drain, then its app's SIGINT handlers: there it is a warning.
   */
  killSignal: z
    .string()
    .refine((name) => /^SIG[A-Z0-9]+$/.test(name) && Object.hasOwn(constants.signals, name), {
      message: 'expected a signal name such as SIGTERM (os.constants.signals)',
    })
    .optional(),
  /**
   * PM2's `treekill`: when a process is stopped (stop, delete, restart, reload, scale down, memory restart, `hive
   * kill`), the processes it started (and theirs) are stopped too, so that none outlives it holding a port. A cluster
   * process's descendants get SIGTERM once it has exited (its drain may need them); a fork-mode process's get the
   * process's own signal with it, as PM2 sends. SIGKILL follows after killTimeout. Not on a crash. Linux only (read
   * from /proc). Default true; false leaves them running.
   */
  treekill: z.boolean().optional(),
  maxMemoryRestart: size.optional(),
  /**
   * How often each process's runtime reports memory and metrics (`hive run --memory-report-interval`, default 1s; 0
   * turns reports off). A ready worker silent for three intervals (at least 3 s) is marked unresponsive.
   */
  memoryReportInterval: duration.optional(),
  /**
   * PM2's `autostart`: false adds the app stopped rather than starting it (a config started again leaves it so);
   * `hive start <name>` or a `cronRestart` tick starts it.
   */
  autostart: z.boolean().optional(),
  /** PM2's `autorestart`: false leaves a process that exits down (once all are, the app is stopped). */
  autorestart: z.boolean().optional(),
  /** PM2's `stop_exit_codes`: exit codes after which a process is not restarted; one code or a list. */
  stopExitCodes: z
    .union([exitCode, z.array(exitCode)], { error: 'expected an exit code (an integer 0-255) or a list of them' })
    .optional(),
  maxRestarts: z.number({ error: kCountMessage }).int(kCountMessage).min(0, kCountMessage).optional(),
  minUptime: duration.optional(),
  restartDelay: duration.optional(),
  expBackoffRestartDelay: duration.optional(),
  /** Reload on file changes: `true` (the script's folder) or paths. */
  watch: z.union([z.boolean(), boundedList(MAX_WATCHED, MAX_PATH, 'watched paths')]).optional(),
  /**
   * PM2's `watch_delay`: how long the watched files must stay quiet after a change before the reload (a duration;
   * default 500 ms). A burst of changes (a build, a `git pull`) is one reload.
   */
  watchDelay: duration.optional(),
  /** Paths (globs) the watcher ignores; node_modules always is. */
  ignoreWatch: boundedList(MAX_WATCHED, MAX_PATH, 'ignored paths').optional(),
  /** Cron expression that triggers a rolling reload. */
  // A plain string in the types: croner's syntax (5 to 7 fields, names, ranges, steps, L, W, #, nicknames) is too
  // open for a template literal type, so a malformed one fails at load only.
  cronRestart: z
    .string()
    .max(MAX_SHORT)
    .superRefine((value, ctx) => {
      // Empty: no schedule, as `--cron-restart ""` (a template's `cron_restart: process.env.CRON ?? ''`).
      if (value === '') return;
      const problem = cronProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  // An empty path would silently mean the default log file (or the config's folder): refused instead.
  outFile: z.string().min(1).max(MAX_PATH).optional(),
  errorFile: z.string().min(1).max(MAX_PATH).optional(),
  /**
   * PM2's `log_file`: a third log file that gets both the out and the error lines (relative to `cwd`); `true`:
   * `<name>.log` in Hive's logs folder; `false` (the default): none.
   */
  logFile: z.union([z.string().min(1).max(MAX_PATH), z.boolean()]).optional(),
  /** One log file for all instances rather than one per instance. */
  mergeLogs: z.boolean().optional(),
  /** Prefix log lines with a timestamp: ISO 8601 in UTC, or in `logDateFormat` when it is set. */
  time: z.boolean().optional(),
  /**
   * PM2's `log_date_format`: each line of the log files starts with the local time in this dayjs format and `: `
   * (`'YYYY-MM-DD HH:mm Z'`: `2026-11-30 14:05 +01:00: [api:0] listening`). Set, it is the time `time` means too.
   */
  logDateFormat: z.string().min(1, 'expected a dayjs format such as "YYYY-MM-DD HH:mm Z"').max(MAX_SHORT).optional(),
  /** Log line format of the app's log files: `text` (lines prefixed `[app:instance]`) or `json` (one object a line). */
  logFormat: z.enum(['text', 'json']).optional(),
  /** This app's log rotation, over the daemon's `HIVE_LOG_*` settings (pm2-logrotate's, per app). */
  logRotation: z
    .object({
      maxSize: z
        .union([z.string(), z.number()])
        .superRefine(
          refineWith((v) => parseRotationSetting('size', String(v), 'maxSize'), 'a size like 10M, 500K, 1G or bytes'),
        )
        .optional(),
      retain: z.number().int().min(1).max(999_999).optional(),
      compress: z.boolean().optional(),
      interval: z
        .string()
        .superRefine(
          refineWith(
            (v) => parseRotationSetting('interval', String(v), 'interval'),
            'daily, hourly, weekly, monthly, or <n> and a unit (s, m, h, d, M) as docs/cli.md lists',
          ),
        )
        .optional(),
    })
    .strict()
    .optional(),
  /** Port of this app's Prometheus /metrics, /healthz and /readyz (`hive run --metrics-port`); 0 picks a free one. */
  metricsPort: z.number().int().min(0).max(65535).optional(),
  /** Address of the metrics port (`--metrics-host`); default 127.0.0.1. */
  metricsHost: z
    .string()
    .superRefine((value, ctx) => {
      const problem = bindHostProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `expected ${problem}` });
    })
    .optional(),
  /** A `Server-Timing` header (total, pool time, request id) on the app's responses (`hive run --server-timing`). */
  serverTiming: z.boolean().optional(),
  /**
   * Count the app's HTTP requests (`http_requests_total`, response times, req/s and latency in `hive monit` and the
   * dashboard); false (`hive run --no-http-metrics`): not counted, requests cost nothing extra. Default true.
   */
  httpMetrics: z.boolean().optional(),
  /** Options of `hive edge nginx` for this app. */
  edge: z.record(z.string(), z.unknown()).optional(),
};

const appFields = z.object(appShape);

// Even when a value of the app is wrong: an app with a mistyped key and a bad value named the value alone, and the key
// on the next run, once the value was fixed (ConfigError.issues names every problem of the file in one).
const kAlways = { when: () => true };

/** One app of a Hive config file (camelCase keys). PM2 ecosystem files are translated into this shape. */
export const appSchema = appFields
  // env_<name> overrides (`env_production`), picked with --env; any other extra key is an error, never ignored.
  .catchall(z.unknown())
  .superRefine((app, ctx) => {
    if (typeof app !== 'object' || app === null) return;
    for (const key of Object.keys(app)) {
      if (Object.hasOwn(appShape, key)) continue;
      if (/^env_[A-Za-z0-9_-]+$/.test(key)) {
        const parsed = envMap.safeParse(app[key]);
        if (parsed.success) continue;
        // The variable at fault, as for `env` (`env_production.PORT: expected ...`): an object with one bad value was
        // "env_production: expected an object of env vars".
        const [first] = parsed.error.issues;
        const message = first!.path.length > 0 ? first!.message : 'expected an object of env vars';
        ctx.addIssue({ code: 'custom', path: [key, ...first!.path], message });
        continue;
      }
      ctx.addIssue({ code: 'custom', path: [key], message: 'unknown key' });
    }
  }, kAlways)
  .superRefine((app, ctx) => {
    // The checks `hive run` makes of its flags, made here so that a config that loads is one that starts.
    if (app.sticky !== undefined && app.port === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sticky'], message: 'needs port: the primary listens on it itself' });
    }
    if (app.sticky !== undefined && app.port === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['port'],
        message:
          "cannot be 0 with sticky: the app's server is told apart from the process's other servers by listening on " +
          'this port, and 0 is the port of every server that asks the system for one; give a fixed port',
      });
    }
    if (app.sticky !== undefined && app.socket !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['socket'],
        message: "cannot be combined with sticky: only the primary's router on port keeps clients on their process",
      });
    }
    if (app.sticky !== undefined && app.incrementVar === 'PORT') {
      ctx.addIssue({
        code: 'custom',
        path: ['incrementVar'],
        message: "cannot be PORT with sticky: the primary's router owns the one port the instances share",
      });
    }
    if (app.metricsHost !== undefined && app.metricsPort === undefined) {
      ctx.addIssue({ code: 'custom', path: ['metricsHost'], message: 'needs metricsPort' });
    }
    if (app.metricsPort !== undefined && app.metricsPort !== 0 && app.metricsPort === app.port) {
      ctx.addIssue({ code: 'custom', path: ['metricsPort'], message: "is the app's port; give the metrics another" });
    }
  });

export const configSchema = z
  .object({
    apps: z.array(appSchema).min(1, 'expected at least one app'),
    /** Options of `hive edge nginx` for the whole file: `main`, the main context of `--full` (checked by hive/edge). */
    edge: z
      .object({ main: z.record(z.string(), z.unknown()).optional() })
      .strict()
      .optional(),
  })
  .strict();

/** The keys an app may have, for docs and PM2 translation checks. */
export const appKeys: readonly string[] = Object.keys(appShape);

/**
 * One app as written in a config file. Derived from the schema's keys; the catch-all's `unknown` would let any key
 * through, so extra keys are typed as the superRefine checks them: `env_<name>` objects of env vars only.
 */
export type AppConfig = z.input<typeof appFields> & { [key: `env_${string}`]: z.input<typeof envMap> };
/** A Hive config file's content. */
export interface HiveConfig {
  /** The apps, at least one, each with a unique `name`. */
  apps: AppConfig[];
  /** `hive edge nginx --full`'s main context (`pid`, `errorLog`, `tempDir` ...), as the edge library's `main`. */
  edge?: { main?: Record<string, unknown> };
}

/**
 * The length of the one `--node-args=<flags>` argument `hive start` gives `hive run` (cli/run-args.ts formatNodeArgs: a
 * flag with a space, quote or backslash is quoted, its quotes and backslashes escaped).
 */
function nodeArgsLength(flags: readonly string[]): number {
  let length = Math.max(0, flags.length - 1);
  for (const flag of flags) {
    length += /^[^\s"'\\]+$/.test(flag) ? flag.length : flag.length + 2 + (flag.match(/["\\]/g)?.length ?? 0);
  }
  return length;
}

/**
 * A duration of more than 0: what is no duration is said as for any duration, and 0 with why it cannot be (`why`).
 * With `refuseBareMs`, a unit-less number under a second too (see bareMillisecondsSlip).
 */
function positiveDuration(why: string, example: string, refuseBareMs = false) {
  return accepting<number | DurationText>(
    z.union([z.number(), z.string()]).superRefine((value, ctx) => {
      let ms: number;
      try {
        ms = parseDuration(value, 'value');
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected ${kDurationExpected}` });
        return;
      }
      if (ms === 0) {
        ctx.addIssue({ code: 'custom', message: `expected a duration of more than 0 (${why}), like ${example}` });
        return;
      }
      const slip = refuseBareMs && bareMillisecondsSlip(value, ms);
      if (slip) ctx.addIssue({ code: 'custom', message: `expected a duration such as ${example} (${slip})` });
    }),
  );
}

function refineWith(parse: (value: unknown, key: string) => unknown, expected: string) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    try {
      parse(value, 'value');
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
    }
  };
}
