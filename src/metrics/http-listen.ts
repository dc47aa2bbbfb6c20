import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Binds a loopback-first HTTP server of Hive's own (metrics, dashboard), turning a bind failure into the caller's
 * typed error; resolves with the bound port. Shared so that every such server fails the same way on a taken port.
 */
export function listenHttp(
  server: Server,
  port: number,
  host: string,
  bindError: (detail: string) => Error,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(bindError(error.code ?? error.message));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops a server and drops its open connections (a scraper's or a browser's keep-alive must not hold an exit). */
export function closeHttp(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
