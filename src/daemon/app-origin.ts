import { resolve } from 'node:path';
import type { AppSpec } from './protocol.js';

/** Where an app a config file starts or reloads comes from: the file (absolute), and its script and cwd. */
export type AppOrigin = Pick<AppSpec, 'configFile' | 'script' | 'cwd'>;

/**
 * Why a config file's app may not take over the app of that name the daemon has, or undefined when it may: that app
 * came from another config file (or, not recorded as from a file: started from a script, or by a Hive from before
 * the record, with another script or cwd). PM2 restarts the app it has under its own script then; replacing it with
 * the other file's app silently swapped a production API for a worker of another project.
 */
export function originConflict(existing: AppSpec, incoming: AppOrigin): string | undefined {
  if (incoming.configFile === undefined) return undefined;
  if (existing.configFile !== undefined) {
    return existing.configFile === incoming.configFile ? undefined : `came from ${existing.configFile}`;
  }
  const script = resolve(existing.cwd, existing.script);
  if (script === resolve(incoming.cwd, incoming.script) && existing.cwd === incoming.cwd) return undefined;
  return `runs ${script} in ${existing.cwd}, not ${resolve(incoming.cwd, incoming.script)} in ${incoming.cwd}`;
}
