import { AppNotFoundError, ConfigAppsNotFoundError } from '../daemon/errors.js';
import type { AppInfo } from '../daemon/protocol.js';

/** One target of a command, as typed, or the app names of a config file (matched by name only, as PM2's). */
export type Target = { target: string } | { file: string; names: string[] };

/**
 * The app ids that `target` names in one listing of the daemon's apps: `all` every app, an all-digit target an id
 * first (as the daemon reads it), else a name, else a namespace; a config file's names by name only, those the daemon
 * does not have skipped unless none is there (ConfigAppsNotFoundError). Throws AppNotFoundError when nothing matches.
 */
export function resolveTarget(apps: AppInfo[], target: Target): number[] {
  if ('file' in target) {
    const ids = target.names.flatMap((name) => apps.filter((app) => app.name === name).map((app) => app.id));
    if (ids.length === 0) throw new ConfigAppsNotFoundError(target.file, target.names);
    return ids;
  }
  const { target: text } = target;
  if (text === 'all') return apps.map((app) => app.id);
  const byId = /^\d+$/.test(text) ? apps.find((app) => app.id === Number(text)) : undefined;
  const app = byId ?? apps.find((a) => a.name === text);
  if (app) return [app.id];
  // A namespace's apps, as the daemon reads a target that names no app (PM2's getProcessIdsByNamespace).
  const ids = apps.filter((a) => a.namespace === text).map((a) => a.id);
  if (ids.length === 0) throw new AppNotFoundError(text);
  return ids;
}
