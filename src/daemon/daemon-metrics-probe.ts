import { createServer } from 'node:net';
import { MetricsPortInUseError } from '../metrics/errors.js';
import type { DaemonMetricsSettings } from './daemon-metrics-settings.js';

/**
 * Resolves when the daemon's endpoint can be bound now, by listening on it and closing at once; rejects with
 * MetricsPortInUseError ending with `advice` otherwise. For `hive update`, which must not stop the running daemon and
 * its apps for a successor that would refuse to start on a taken port.
 */
export function probeDaemonMetrics(settings: DaemonMetricsSettings, advice: string): Promise<void> {
  const server = createServer();
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new MetricsPortInUseError(settings.host, settings.port, error.code ?? error.message, advice)),
    );
    server.listen(settings.port, settings.host, () => server.close(() => resolve()));
  });
}

/** The host and port of a metrics URL as the daemon's ping reports it (`http://[::1]:9464/metrics`), or undefined. */
export function metricsEndpoint(url: unknown): { host: string; port: number } | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const { hostname, port } = new URL(url);
    return { host: hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(port || 80) };
  } catch {
    return undefined;
  }
}

/**
 * Whether a failed test bind of the endpoint asked for may be the old daemon's own doing, which only its exit tells:
 * its port on another address (0.0.0.0 against its 127.0.0.1) is "in use" by it. Any other failure (an address this
 * host lacks, a name that does not resolve, a port not allowed) would stop the successor too, and must stop the update.
 */
export function oldDaemonMayHoldIt(
  error: unknown,
  held: { port: number } | undefined,
  wanted: { port: number },
): boolean {
  return held?.port === wanted.port && error instanceof MetricsPortInUseError && error.detail === 'EADDRINUSE';
}
