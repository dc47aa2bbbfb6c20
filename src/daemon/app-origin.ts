import { basename, resolve } from 'node:path';
import type { AppSpec } from './protocol.js';

/** Where an app a config file starts or reloads comes from: the file (absolute), and its script and cwd. */
export type AppOrigin = Pick<AppSpec, 'configFile' | 'script' | 'cwd'>;

/**
 * The warning a config file's start or reload of the app of that name the daemon has deserves, or undefined: that app
 * came from another config file (or, none recorded, as for a script's app or one of an older dump, ran another
 * script). The file's definition applies all the same, as PM2 applies it: a refusal broke release-folder deploys
 * (`cd releases/2 && hive startOrReload ecosystem.config.js` of an app from releases/1) and every app of an older dump.
 * The same project moved (a file of the same name defining an app of the same script name: a new release folder, a
 * `cd` that left $PWD behind) is no news and gets none; another project's file taking an app over is said, once.
 */
export function originWarning(name: string, existing: AppSpec, incoming: AppOrigin): string | undefined {
  if (incoming.configFile === undefined) return undefined;
  const now = `${incoming.configFile} now defines it`;
  const sameScript =
    basename(resolve(existing.cwd, existing.script)) === basename(resolve(incoming.cwd, incoming.script));
  if (existing.configFile !== undefined) {
    if (existing.configFile === incoming.configFile) return undefined;
    if (sameScript && basename(existing.configFile) === basename(incoming.configFile)) return undefined;
    return `app ${JSON.stringify(name)} came from ${existing.configFile}; ${now}`;
  }
  if (sameScript) return undefined;
  return `app ${JSON.stringify(name)} ran ${resolve(existing.cwd, existing.script)} in ${existing.cwd}; ${now}`;
}

/**
 * The warning a config file's reload of an app deserves when the file names another script or folder than the app
 * runs (`cd releases/2 && hive startOrReload ecosystem.config.js` of an app started from releases/1), or undefined. A
 * reload keeps the primary, which runs the script and folder it started with, as PM2's reload does: without a word,
 * the deploy would seem done while the old release serves on.
 */
export function keptScriptWarning(name: string, existing: AppSpec, incoming: AppOrigin): string | undefined {
  if (incoming.configFile === undefined) return undefined;
  const runs = resolve(existing.cwd, existing.script);
  const named = resolve(incoming.cwd, incoming.script);
  if (runs === named && existing.cwd === incoming.cwd) return undefined;
  return (
    `app ${JSON.stringify(name)} reloads with the script it started with, ${runs} in ${existing.cwd} (a reload ` +
    `keeps it, as PM2's does); ${incoming.configFile} names ${named} in ${incoming.cwd}: ` +
    `\`hive startOrRestart ${incoming.configFile}\` runs that`
  );
}
