/**
 * Translates PM2 ecosystem files (snake_case keys) into Hive's app shape. The one place PM2's format is known: every
 * other module sees camelCase apps only.
 */

import { basename, extname } from 'node:path';
import { appKeys } from './app-schema.js';

/** PM2 key -> Hive key, for keys Hive implements. */
export const pm2Keys: Readonly<Record<string, string>> = {
  name: 'name',
  namespace: 'namespace',
  script: 'script',
  args: 'args',
  cwd: 'cwd',
  instances: 'instances',
  exec_mode: 'execMode',
  interpreter: 'interpreter',
  exec_interpreter: 'interpreter',
  node_args: 'nodeArgs',
  interpreter_args: 'nodeArgs',
  env: 'env',
  filter_env: 'filterEnv',
  append_env_to_name: 'appendEnvToName',
  port: 'port',
  max_memory_restart: 'maxMemoryRestart',
  autorestart: 'autorestart',
  autostart: 'autostart',
  treekill: 'treekill',
  kill_signal: 'killSignal',
  stop_exit_codes: 'stopExitCodes',
  max_restarts: 'maxRestarts',
  min_uptime: 'minUptime',
  restart_delay: 'restartDelay',
  exp_backoff_restart_delay: 'expBackoffRestartDelay',
  kill_timeout: 'killTimeout',
  shutdown_with_message: 'shutdownWithMessage',
  instance_var: 'instanceVar',
  increment_var: 'incrementVar',
  listen_timeout: 'listenTimeout',
  wait_ready: 'waitReady',
  watch: 'watch',
  ignore_watch: 'ignoreWatch',
  watch_delay: 'watchDelay',
  cron_restart: 'cronRestart',
  out_file: 'outFile',
  error_file: 'errorFile',
  err_file: 'errorFile',
  merge_logs: 'mergeLogs',
  combine_logs: 'mergeLogs',
  time: 'time',
  log_date_format: 'logDateFormat',
  log_file: 'logFile',
  log_type: 'logFormat',
  // Hive's own key in PM2's style: an ecosystem file's keys are snake_case.
  http_metrics: 'httpMetrics',
  drain_idle_grace: 'drainIdleGrace',
  keep_alive_timeout: 'keepAliveTimeout',
  // PM2's own aliases (lib/API/schema.json), which its files use too; camelCase ones come from pm2Name.
  exec: 'script',
  interpreterArgs: 'nodeArgs',
  execInterpreter: 'interpreter',
  out: 'outFile',
  output: 'outFile',
  out_log: 'outFile',
  error: 'errorFile',
  err: 'errorFile',
  err_log: 'errorFile',
  cron: 'cronRestart',
  log: 'logFile',
};

/** PM2 keys Hive accepts but does not act on, each with the reason given to the user. */
export const pm2Ignored: Readonly<Record<string, string>> = {
  pid_file: 'the daemon tracks processes itself (`hive describe` shows pids)',
  vizion: 'no version-control metadata is collected',
  pmx: 'metrics come from hive/runtime and Prometheus, not pmx; `http_metrics: false` turns off the request counting',
  automation: 'metrics come from hive/runtime and Prometheus, not pmx',
  source_map_support: 'pass --enable-source-maps in nodeArgs',
  force: 'not needed: names are unique per file',
  pid: 'the daemon tracks processes itself (`hive describe` shows pids)',
  // PM2's own monitoring (pm2.io / Keymetrics) and platform switches: nothing to run differently without them.
  trace: 'pm2.io tracing is not part of Hive (metrics come from hive/runtime and Prometheus)',
  disable_trace: 'pm2.io tracing is not part of Hive',
  deep_monitoring: 'pm2.io monitoring is not part of Hive (metrics come from hive/runtime and Prometheus)',
  v8: 'pm2.io monitoring is not part of Hive',
  event_loop_inspector: 'pm2.io monitoring is not part of Hive (hive/runtime reports event-loop delay)',
  io: 'pm2.io monitoring is not part of Hive',
  disable_source_map_support: 'Hive adds no source-map support of its own (nodeArgs: --enable-source-maps does)',
  windowsHide: 'Windows only; Hive runs on Linux',
  kill_retry_time: 'a retired process is SIGKILLed once, at killTimeout',
  // PM2's schema has it (PM2 fills it from the app's package.json, for `pm2 show`): informational only.
  version: 'informational (`pm2 show` prints it); Hive keeps no app version',
};

/**
 * The value of an ignored key that asks for what Hive does anyway: no warning for it. `source_map_support: false` was
 * "ignored: pass --enable-source-maps", advice against what the file asked for.
 */
const pm2IgnoredAsHive: Readonly<Record<string, unknown>> = {
  source_map_support: false,
  disable_source_map_support: true,
  vizion: false,
  automation: false,
  trace: false,
  disable_trace: true,
  deep_monitoring: false,
  v8: false,
  event_loop_inspector: false,
  force: false,
};

/** The app keys an ecosystem file may have (PM2's that Hive runs or ignores, and Hive's own), for typo hints. */
export const pm2AppKeys: readonly string[] = [
  ...Object.keys(pm2Keys),
  ...Object.keys(pm2Ignored),
  'disable_logs',
  ...appKeys,
];

/**
 * PM2 options Hive does not implement and will not pass over in silence (running as another user, dropping logs...):
 * an error that says so, rather than "not a PM2 option".
 */
export const pm2Unsupported: ReadonlySet<string> = new Set([
  'uid',
  'gid',
  'user',
  'username',
  'watch_options',
  'name_prefix',
  'install_url',
  'post_update',
  'execute_command',
  'write',
]);

const numberKeys = new Set(['instances', 'port', 'maxRestarts']);
const numeric = (value: unknown) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

const pm2ModeNames: Readonly<Record<string, string>> = { cluster_mode: 'cluster', fork_mode: 'fork' };

/**
 * Translates one PM2 app. Unknown keys pass through unchanged so validation reports them by their own name; `renamed`
 * hears of each translated key, so that an error names the key the user wrote (`max_memory_restart`), not Hive's.
 */
export function fromPm2App(
  app: Record<string, unknown>,
  warn: (key: string, why: string) => void,
  renamed: (hiveKey: string, pm2Key: string) => void = () => {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let logsOff = false;
  for (const [key, value] of Object.entries(app)) {
    const name = pm2Name(key);
    const hiveKey = pm2Keys[name];
    if ((key === 'env' || key.startsWith('env_')) && isEnvObject(value)) {
      out[key] = definedEnv(key, value, warn);
    } else if (name === 'disable_logs') {
      // PM2 then writes the app's output nowhere: its /dev/null, which Hive writes as it is, never rotated.
      if (value === true) logsOff = true;
      else if (value !== false) out[key] = value;
    } else if (hiveKey !== undefined) {
      // `log: undefined` after `log_file: 'x'` (a variable unset where the file loads) must not unset it: an undefined
      // key is one not written, as pm2Conflict reads it.
      if (value === undefined && out[hiveKey] !== undefined) continue;
      out[hiveKey] = translateValue(hiveKey, value);
      if (hiveKey !== key) renamed(hiveKey, key);
    } else if (key.startsWith('env_')) {
      out[key] = value;
    } else if (name in pm2Ignored) {
      if (!(name in pm2IgnoredAsHive && pm2IgnoredAsHive[name] === value)) warn(key, pm2Ignored[name]!);
    } else {
      out[key] = value;
    }
  }
  // PM2 names an unnamed app after its script: `./dist/server.js` is `server`; so one of `name: ''` (Common.
  // renderApplicationName's `!conf.name`).
  if ((out.name === undefined || out.name === '') && typeof out.script === 'string')
    out.name = basename(out.script, extname(out.script));
  if (logsOff) {
    out.outFile ??= '/dev/null';
    out.errorFile ??= '/dev/null';
  }
  // PM2's mode when `exec_mode` is absent (Common.determineExecMode): cluster once `instances` is given, else fork, a
  // plain process that need not serve a port (a queue worker, a cron job); cluster mode would wait for it to listen.
  if (out.execMode === undefined && out.instances === undefined) out.execMode = 'fork';
  // PM2 starts one process when `instances` is absent; Hive's own default ('max') would multiply a PM2 user's app.
  if (out.instances === undefined) out.instances = 1;
  return out;
}

// The log paths; a leading `~` of these and of `cwd` is the home folder in either format (home-path.ts).
const logPathKeys = new Set(['outFile', 'errorFile', 'logFile']);

function translateValue(key: string, value: unknown): unknown {
  // PM2 takes a log path of `NULL` as `/dev/null` (Common.prepareAppConf): no log kept, not a file named NULL.
  if (logPathKeys.has(key) && value === 'NULL') return '/dev/null';
  if (key === 'execMode' && typeof value === 'string') return pm2ModeNames[value] ?? value;
  // PM2 hands a list's numbers and booleans to the program as their text (spawn's String()): YAML's `args: [--port,
  // 3000]` is `--port 3000` there.
  if ((key === 'args' || key === 'nodeArgs') && Array.isArray(value)) {
    return value.map((item) => (typeof item === 'number' || typeof item === 'boolean' ? String(item) : item));
  }
  // PM2 knows one log_type, 'json'; anything else means its default prefixed lines.
  if (key === 'logFormat') return value === 'json' ? 'json' : 'text';
  // PM2 casts numeric strings for its number keys (`port: process.env.PORT`); instances is also "max" or "-1".
  if (numberKeys.has(key)) return numeric(value);
  // PM2 reads stop_exit_codes' numeric strings as numbers (God.handleExit's parseInt), one code or a list.
  if (key === 'stopExitCodes') return Array.isArray(value) ? value.map(numeric) : numeric(value);
  return value;
}

/**
 * Two keys of one app that set the same option to different values (`node_args` and `interpreter_args`, or
 * `max_memory_restart` and `maxMemoryRestart`), or undefined. Either would silently win over the other.
 */
export function pm2Conflict(app: Record<string, unknown>): [string, string] | undefined {
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(app)) {
    const hiveKey = pm2Keys[pm2Name(key)] ?? (appKeys.includes(key) ? key : undefined);
    if (hiveKey === undefined || value === undefined) continue;
    const first = seen.get(hiveKey);
    if (first !== undefined && JSON.stringify(app[first]) !== JSON.stringify(value)) return [first, key];
    seen.set(hiveKey, key);
  }
  return undefined;
}

/**
 * The `env` of each target of PM2's `deploy` section (`deploy: { production: { env: {...} } }`), by target name. PM2
 * merges it into an app's environment under `--env <target>`, below the app's `env` and `env_<target>`
 * (Common.mergeEnvironmentVariables), so `NODE_ENV: 'production'` written there only reaches the apps that way.
 * Entries left `undefined` are dropped, as PM2's JSON drops them; `dropped` hears of each.
 */
export function pm2DeployEnvs(
  deploy: unknown,
  dropped: (key: string) => void,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (!isEnvObject(deploy)) return out;
  for (const [target, conf] of Object.entries(deploy)) {
    // A target no `--env` can pick (`env_<target>` is not an app key) has no env to merge.
    if (!isEnvObject(conf) || !isEnvObject(conf.env) || !/^[A-Za-z0-9_-]+$/.test(target)) continue;
    const env: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(conf.env)) {
      if (value === undefined) dropped(`deploy.${target}.env.${name}`);
      else env[name] = value;
    }
    out[target] = env;
  }
  return out;
}

/**
 * `app` with each deploy target's env (pm2DeployEnvs) folded into its `env_<target>`: PM2's order under `--env
 * <target>` is the target's env, then `env` over it, then `env_<target>`, so a variable the app's `env` has is left out.
 */
export function withDeployEnvs(
  app: Record<string, unknown>,
  deployEnvs: Readonly<Record<string, Record<string, unknown>>>,
): Record<string, unknown> {
  const out = { ...app };
  const own = isEnvObject(app.env) ? app.env : {};
  for (const [target, env] of Object.entries(deployEnvs)) {
    const key = `env_${target}`;
    const over = out[key];
    // A value that is not an object is the schema's to refuse, by its key.
    if (over !== undefined && !isEnvObject(over)) continue;
    const under = Object.fromEntries(Object.entries(env).filter(([name]) => !Object.hasOwn(own, name)));
    out[key] = { ...under, ...over };
  }
  return out;
}

function isEnvObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// `env: { SECRET: process.env.SECRET }` with SECRET unset: PM2 serialises the app as JSON, which drops the entry, so
// the process runs without it. Said as a warning so that it is not silent.
function definedEnv(
  key: string,
  env: Record<string, unknown>,
  warn: (key: string, why: string) => void,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined)
      warn(`${key}.${name}`, 'undefined (unset where the file was loaded?), so not set, as in PM2');
    // PM2 sets an object, an array or null as its JSON (Common.mergeEnvironmentVariables): `{"a":1}`, `null`.
    else out[name] = typeof value === 'object' ? JSON.stringify(value) : value;
  }
  return out;
}

/**
 * The PM2 key a key of an ecosystem file stands for: PM2 takes each key of its schema in camelCase too (lib/tools/
 * Config.js makes the aliases: `logType`, `combineLogs`, `errFile`), so `logType` is `log_type`. A Hive key (`logFile`,
 * `execMode`, which PM2 reads the same) and any other key are themselves.
 */
export function pm2Name(key: string): string {
  if (key in pm2Keys || key in pm2Ignored || appKeys.includes(key) || !/[A-Z]/.test(key)) return key;
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const known = snake in pm2Keys || snake in pm2Ignored || pm2Unsupported.has(snake) || snake === 'disable_logs';
  return known ? snake : key;
}

/** The camelCase key a misplaced snake_case key means (`exec_mode` in a Hive config), for error hints. */
export function camelHint(key: string): string | undefined {
  return pm2Keys[key];
}
