import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago. `hive run --port 0` would give each process its own random port, so the
 * bench picks the port and hands it to the cluster (and to nginx) instead.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('listen(0) gave no port');
  return address.port;
}

/**
 * Whether `port` on loopback is free now (`hive bench --port`): a fixed port taken by another server would have the
 * bench's readiness check, and then its load, hit that server instead.
 */
export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}
