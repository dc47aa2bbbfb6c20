import { HiveError } from '../errors.js';

/** The metrics port (`--metrics-port`) is taken by another process, or needs privileges the primary lacks. */
export class MetricsPortInUseError extends HiveError {
  readonly port: number;
  constructor(host: string, port: number, detail: string) {
    super(
      'ERR_HIVE_METRICS_PORT_IN_USE',
      `The metrics port ${host}:${port} is already in use or not allowed (${detail}); stop the other process or pick another --metrics-port`,
    );
    this.port = port;
  }
}
