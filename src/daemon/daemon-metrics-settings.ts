import { bareHost, bindHostProblem } from '../bind-host.js';
import { describeValue } from '../errors.js';
import { DaemonMetricsSettingError } from './errors.js';

/** The variables of the daemon's metrics endpoint, read from the environment the daemon starts in. */
export const DAEMON_METRICS_ENV = { port: 'HIVE_DAEMON_METRICS_PORT', host: 'HIVE_DAEMON_METRICS_HOST' } as const;

/** How the daemon's MetricsPortInUseError ends: it takes no `--metrics-port`, the variable sets its port. */
export const DAEMON_METRICS_PORT_ADVICE = `stop the other process or pick another ${DAEMON_METRICS_ENV.port}`;

/** Where the daemon serves every app's metrics (docs/observability.md, "One endpoint for every app"). */
export interface DaemonMetricsSettings {
  /** 0: a free port, which the daemon's ping reports. */
  port: number;
  host: string;
}

/**
 * The daemon's metrics endpoint as `HIVE_DAEMON_METRICS_PORT` and `HIVE_DAEMON_METRICS_HOST` ask (default host
 * 127.0.0.1), or undefined when the port is unset or empty (no endpoint, the default). Read as the `HIVE_LOG_*`
 * settings are: by the daemon when it starts, and first by the command that starts it, which refuses a bad value
 * before starting a daemon that would only exit. Throws DaemonMetricsSettingError naming the variable.
 */
export function daemonMetricsFromEnv(env: NodeJS.ProcessEnv = process.env): DaemonMetricsSettings | undefined {
  const rawPort = env[DAEMON_METRICS_ENV.port]?.trim();
  const rawHost = env[DAEMON_METRICS_ENV.host]?.trim();
  if (rawPort === undefined || rawPort === '') {
    if (rawHost) {
      throw new DaemonMetricsSettingError(
        `${DAEMON_METRICS_ENV.host} is set (${describeValue(rawHost)}) but ${DAEMON_METRICS_ENV.port} is not: set the port too, or unset the host`,
      );
    }
    return undefined;
  }
  const port = /^\d+$/.test(rawPort) ? Number(rawPort) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new DaemonMetricsSettingError(
      `Expected ${DAEMON_METRICS_ENV.port} to be a port number from 0 to 65535, got ${describeValue(rawPort)}`,
    );
  }
  const problem = rawHost ? bindHostProblem(rawHost) : undefined;
  if (problem !== undefined) {
    throw new DaemonMetricsSettingError(
      `Expected ${DAEMON_METRICS_ENV.host} to be ${problem}, got ${describeValue(rawHost)}`,
    );
  }
  return { port, host: rawHost ? bareHost(rawHost) : '127.0.0.1' };
}
