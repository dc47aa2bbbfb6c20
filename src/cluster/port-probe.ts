import { createServer } from 'node:net';

/**
 * Binds `port` on `host` plainly (no SO_REUSEPORT) and lets it go: a bind that fails says another program holds the
 * port, even one whose SO_REUSEPORT sockets a reuseport bind would have joined without a word (the kernel asks only
 * that both sides set the option under one user).
 */
export function probePort(port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host }, () => server.close(() => resolve()));
  });
}
