import { isAddressBindError, kNotHere } from '../bind-host.js';
import { HiveError } from '../errors.js';

/**
 * The metrics port (`--metrics-port`, or the daemon's `HIVE_DAEMON_METRICS_PORT`) is taken by another process, or
 * needs privileges the primary lacks. `advice` ends the message: by default what `hive run` takes, which the daemon's
 * endpoint, set by a variable, replaces with its own.
 */
export class MetricsPortInUseError extends HiveError {
  readonly port: number;
  /** Why the bind failed: the system's code (`EADDRINUSE`, `EADDRNOTAVAIL`...) or a message. */
  readonly detail: string;
  constructor(
    host: string,
    port: number,
    detail: string,
    advice = 'stop the other process or pick another --metrics-port',
  ) {
    super(
      'ERR_HIVE_METRICS_PORT_IN_USE',
      isAddressBindError(detail)
        ? `The metrics endpoint cannot listen on ${host}:${port}: ${host} ${kNotHere} (${detail})`
        : `The metrics port ${host}:${port} is already in use or not allowed (${detail}); ${advice}`,
    );
    this.port = port;
    this.detail = detail;
  }
}
