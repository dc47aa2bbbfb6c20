import { createServer } from 'node:net';

/**
 * A port that was free a moment ago on `host`; without one, on every address (`::`, dual-stack), as examples/api's
 * `listen(port)` binds it. `hive run --port 0` would give each process its own random port, so the bench picks the
 * port and hands it to the cluster (and to nginx) instead.
 */
export async function freePort(host?: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (host === undefined) server.listen(0, resolve);
    else server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('listen(0) gave no port');
  return address.port;
}

/**
 * Whether `port` is free now on `host` (`hive bench --port`); without a host, on every address, as `listen(port)`
 * binds it: a port held only on `[::1]` or `0.0.0.0` is taken too. A fixed port taken by another server would have the
 * bench's readiness check, and then its load, hit that server instead, or the app fail to bind it.
 */
export async function portIsFree(port: number, host?: string): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    if (host === undefined) server.listen(port, () => resolve(true));
    else server.listen(port, host, () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}
