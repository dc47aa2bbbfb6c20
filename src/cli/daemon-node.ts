import { DaemonClient } from '../daemon/client.js';

/**
 * The Node.js version a config file's cluster apps run on, for the words of a warning: the running daemon's (from its
 * ping; `hive update` run with another node restarts it on that one), else this CLI's, which the daemon it starts
 * runs on (daemon/client.ts spawns process.execPath). Undefined when the running daemon does not say (a build from
 * before it did) or cannot be asked: the command's own request to it says why then, not this.
 */
export async function daemonNodeVersion(): Promise<string | undefined> {
  let client: DaemonClient | undefined;
  try {
    client = await DaemonClient.connect({ start: false });
  } catch {
    return undefined;
  }
  if (client === undefined) return process.version;
  try {
    const { node } = await client.request<{ node?: unknown }>('ping');
    return typeof node === 'string' ? node : undefined;
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}
