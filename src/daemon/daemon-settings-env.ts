import { DAEMON_METRICS_ENV, daemonMetricsFromEnv } from './daemon-metrics-settings.js';
import { LOG_ROTATION_ENV, logRotationFromEnv } from './log-rotation.js';

/**
 * The daemon's own settings that it reads from its environment once, when it starts (main.ts), besides HIVE_HOME: the
 * log rotation's `HIVE_LOG_*` and the metrics endpoint's `HIVE_DAEMON_METRICS_*`. A setting added there belongs here,
 * so that `hive startup`'s unit carries it to the daemon it starts at boot.
 */
export const DAEMON_SETTINGS_ENV: readonly string[] = [
  ...Object.values(LOG_ROTATION_ENV),
  ...Object.values(DAEMON_METRICS_ENV),
];

/**
 * Checks them as the daemon will at its start, for a command that would start one (or write a unit that does), so that
 * a bad value is said there, naming the variable, rather than as a daemon that exits: throws LogRotationError or
 * DaemonMetricsSettingError.
 */
export function checkDaemonSettings(env: NodeJS.ProcessEnv = process.env): void {
  logRotationFromEnv(env);
  daemonMetricsFromEnv(env);
}

/**
 * Those set in `env`, as name and value, trimmed as the daemon reads them (an unset or blank one is its default, and
 * left out). Check them first (checkDaemonSettings).
 */
export function daemonSettingsOf(env: NodeJS.ProcessEnv = process.env): [name: string, value: string][] {
  const set: [string, string][] = [];
  for (const name of DAEMON_SETTINGS_ENV) {
    const value = env[name]?.trim();
    if (value) set.push([name, value]);
  }
  return set;
}

/** What `hive update` gives the daemon it starts: see {@link successorSettings}. */
export interface SuccessorSettings {
  /** The environment to start it in: this shell's, with the replaced daemon's settings where the shell has none. */
  env: NodeJS.ProcessEnv;
  /** `NAME: old -> new (this shell's)` for each the shell changes, `NAME=value (kept)` for each carried over. */
  said: string[];
}

/**
 * The settings of the daemon `hive update` replaces (`old`, from its ping; undefined from a build that does not report
 * them) carried to its successor: the successor is started from this shell, whose environment may lack what the old
 * daemon was started with (a systemd unit's HIVE_LOG_MAX_SIZE, updated from an interactive shell), as `pm2 update`
 * keeps its daemon's configuration. A variable this shell sets, even empty (the default), is this shell's: the way to
 * change or drop one across an update. Names this build does not read are not carried.
 */
export function successorSettings(
  old: readonly (readonly [string, string])[] | undefined,
  shell: NodeJS.ProcessEnv = process.env,
): SuccessorSettings {
  const env = { ...shell };
  const said: string[] = [];
  const before = new Map(old ?? []);
  // The endpoint dropped (the port set empty here): its host alone would be refused (daemonMetricsFromEnv).
  if (shell[DAEMON_METRICS_ENV.port]?.trim() === '') before.delete(DAEMON_METRICS_ENV.host);
  for (const name of DAEMON_SETTINGS_ENV) {
    const was = before.get(name);
    const own = shell[name]?.trim();
    if (own === undefined) {
      if (was === undefined) continue;
      env[name] = was;
      said.push(`${name}=${was} (kept)`);
    } else if (old !== undefined && (was ?? '') !== own)
      said.push(`${name}: ${was ?? 'default'} -> ${own === '' ? 'default' : own} (this shell's)`);
  }
  return { env, said };
}
