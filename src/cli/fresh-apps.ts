import type { DaemonClient } from '../daemon/client.js';
import type { AppInfo } from '../daemon/protocol.js';
import { resolveTarget } from './resolve-targets.js';

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

/**
 * A fleet command's request (`restart all`, `stop <namespace>`, `reload all`), its apps shown as they are once it is
 * done whether or not some failed: `failure` is then the daemon's error (one app's as itself, several as
 * AppsFailedError), said after the table or `--json` as `hive start <config>` says an app that failed beside the
 * others. The daemon's error reply carries no apps, and the table the command printed on success was gone with one
 * failed app of 40 (PM2's `restart all` ends with its list all the same). The apps are those `target` names in one
 * listing asked now, read as the daemon reads a target (resolveTarget); a target of one app, one that names none now,
 * or a listing that fails leaves the error alone, thrown as before.
 */
export async function fleetApps(
  client: DaemonClient,
  target: string,
  request: () => Promise<AppInfo[]>,
): Promise<{ apps: AppInfo[]; failure?: unknown }> {
  let apps: AppInfo[];
  try {
    apps = await request();
  } catch (error) {
    const named = await appsNamed(client, target);
    if (named === undefined || named.length <= 1) throw error;
    return { apps: named, failure: error };
  }
  return { apps: await freshApps(client, apps) };
}

async function appsNamed(client: DaemonClient, target: string): Promise<AppInfo[] | undefined> {
  try {
    const listing = await client.request<AppInfo[]>('ls');
    const ids = new Set(resolveTarget(listing, { target }));
    return listing.filter((app) => ids.has(app.id));
  } catch {
    return undefined;
  }
}
