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
    // `::` is every address, IPv6 and (dual-stack) IPv4: on a kernel without IPv6 (booted ipv6.disable=1) it falls back
    // to IPv4's, once, as Node's own listen() without a host does.
    let fallback = host === '::';
    const onError = (error: NodeJS.ErrnoException) => {
      if (fallback && error.code === 'EAFNOSUPPORT') {
        fallback = false;
        server.once('error', onError);
        server.listen(port, '0.0.0.0');
        return;
      }
      server.off('listening', onListening);
      reject(bindError(error.code ?? error.message));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops a server and drops its open connections (a scraper's or a browser's keep-alive must not hold an exit). */
export function closeHttp(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
