import type { DaemonClient } from '../daemon/client.js';
import type { AppInfo } from '../daemon/protocol.js';

/**
 * The apps a command acted on, as the daemon lists them now rather than as each was when its turn ended: a fleet
 * command (`restart all`, a config file's start or reload) takes its apps in turn for tens of seconds, and each app's
 * info in the daemon's reply is taken as its own action ends (AppTable#each), so the table showed every app at uptime
 * 0s and one that crashed after its turn still `online, 0 restarts`, where PM2's `restart all` ends with a fresh
 * `pm2 ls`. One listing, asked once the command is done; each app keeps its fields that only the command's reply
 * carries (`killed`, `reload`, `resurrected`: the listing has none of them) and its order. An app no longer listed
 * (deleted meanwhile) stays as the reply had it; so do all of them if the listing fails. A single app is left as it is:
 * its info was taken as the command ended.
 */
export async function freshApps(client: DaemonClient, apps: AppInfo[]): Promise<AppInfo[]> {
  if (apps.length <= 1) return apps;
  let listing: AppInfo[];
  try {
    listing = await client.request<AppInfo[]>('ls');
  } catch {
    return apps;
  }
  const now = new Map(listing.map((app) => [app.id, app]));
  return apps.map((app) => {
    const listed = now.get(app.id);
    return listed === undefined || listed.name !== app.name ? app : { ...app, ...listed };
  });
}
