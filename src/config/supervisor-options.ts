import type { SupervisorOptions } from '../cluster/options.js';
import { ENV } from '../runtime/protocol.js';
import { appEnv } from './app-env.js';
import type { AppConfig } from './app-schema.js';
import { splitArgs } from './split-args.js';

/**
 * Splits PM2-style argument strings (`--port 3000 --verbose`) into an array. Quotes group words as in a shell (PM2
 * honours them too): `--msg "hello world"` is two arguments, not three. A quote left open is kept as written.
 */
export function argList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  return splitArgs(value).args;
}

/**
 * SupervisorOptions as a config file makes them: arrays of its own, and every variable of `env` set (the Supervisor
 * takes readonly arrays and undefined values; what reads these, such as `hive start`'s fork mode, need not).
 */
export type ConfigSupervisorOptions = SupervisorOptions & {
  args?: string[];
  nodeArgs?: string[];
  env?: Record<string, string>;
};

/** The options of the cluster primary (`hive run` / Supervisor) for one app of a config file. */
export function supervisorOptions(
  app: AppConfig,
  file: string,
  envName?: string,
  allApps?: readonly AppConfig[],
): ConfigSupervisorOptions {
  const env = appEnv(app, envName, file, allApps);
  // Read by hive/pool's 'auto' sizing in every app process.
  if (app.threads !== undefined) env.HIVE_POOL_THREADS = String(app.threads);
  // Read by hive/runtime when it retires the process; an env var, so that `hive start` carries it to its primary too.
  if (app.shutdownWithMessage) env[ENV.shutdownMessage] = '1';
  if (app.instanceVar !== undefined) env[ENV.instanceVar] = app.instanceVar;
  if (app.incrementVar !== undefined) env[ENV.incrementVar] = app.incrementVar;
  const options: ConfigSupervisorOptions = {
    script: app.script,
    args: argList(app.args),
    name: app.name,
    env,
    nodeArgs: argList(app.nodeArgs),
  };
  const copy = <K extends keyof SupervisorOptions & keyof AppConfig>(key: K) => {
    if (app[key] !== undefined) (options as unknown as Record<string, unknown>)[key] = app[key];
  };
  for (const key of [
    'cwd',
    'instances',
    'port',
    'sticky',
    'socket',
    'socketMode',
    'socketGroup',
    'balance',
    'waitReady',
    'listenTimeout',
    'killTimeout',
    'drainIdleGrace',
    'keepAliveTimeout',
    'maxMemoryRestart',
    'memoryReportInterval',
    'maxRestarts',
    'minUptime',
    'restartDelay',
    'expBackoffRestartDelay',
    'autorestart',
    'treekill',
    'httpMetrics',
  ] as const) {
    copy(key);
  }
  if (app.stopExitCodes !== undefined) {
    options.stopExitCodes = Array.isArray(app.stopExitCodes) ? app.stopExitCodes : [app.stopExitCodes];
  }
  return options;
}
