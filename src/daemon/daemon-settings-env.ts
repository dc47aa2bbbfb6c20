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
