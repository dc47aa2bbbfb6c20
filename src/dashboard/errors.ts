import { isAddressBindError, kNotHere } from '../bind-host.js';
import { HiveError } from '../errors.js';

/**
 * The dashboard was asked to listen on an address other hosts can reach, without a token to keep them out. `how` says
 * how to give one where it was asked: each command has its own flag (`hive run --dashboard-token`, `hive dashboard
 * --token`), and code calling startDashboard the `token` option.
 */
export class DashboardTokenRequiredError extends HiveError {
  readonly host: string;
  constructor(host: string, how = 'pass the `token` option') {
    super(
      'ERR_HIVE_DASHBOARD_TOKEN_REQUIRED',
      `The dashboard would listen on ${host}, which other hosts can reach, without a token; ${how}, or bind a loopback address such as 127.0.0.1`,
    );
    this.host = host;
  }
}

/** The dashboard's port is taken by another process, or needs privileges this process lacks. */
export class DashboardPortInUseError extends HiveError {
  readonly port: number;
  constructor(host: string, port: number, detail: string) {
    super(
      'ERR_HIVE_DASHBOARD_PORT_IN_USE',
      isAddressBindError(detail)
        ? `The dashboard cannot listen on ${host}:${port}: ${host} ${kNotHere} (${detail})`
        : `The dashboard port ${host}:${port} is already in use or not allowed (${detail}); stop the other process or pick another port`,
    );
    this.port = port;
  }
}

/**
 * The snapshot source (this process's primary, or the daemon and the primaries it asks) did not answer within the
 * read's bound. The live page keeps what it shows, marked stale, and the next tick reads again.
 */
export class DashboardSnapshotTimeoutError extends HiveError {
  readonly timeout: number;
  constructor(timeout: number) {
    super(
      'ERR_HIVE_DASHBOARD_SNAPSHOT_TIMEOUT',
      `No snapshot within ${timeout} ms: the primary (or the daemon) did not answer; the data shown is stale, reading again`,
    );
    this.timeout = timeout;
  }
}
