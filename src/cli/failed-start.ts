import type { DaemonClient } from '../daemon/client.js';
import type { AppInfo } from '../daemon/protocol.js';

/**
 * The app of a config file whose start (or reload, stop, reset: eachByName) failed, as the failure left it (errored, or
 * online with its old processes), for the command's table and JSON beside the others: a script reading `--json` sees
 * its state. Undefined for a start refused because another app has the name (ERR_HIVE_APP_EXISTS: that one is not
 * what was started), and for an app the daemon does not have.
 */
export async function failedStartApp(client: DaemonClient, name: string, error: unknown): Promise<AppInfo | undefined> {
  if ((error as { code?: unknown }).code === 'ERR_HIVE_APP_EXISTS') return undefined;
  const listing = await client.request<AppInfo[]>('ls').catch((): AppInfo[] => []);
  return listing.find((app) => app.name === name);
}
