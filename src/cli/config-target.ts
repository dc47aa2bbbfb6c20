import { existsSync } from 'node:fs';
import { isConfigFile } from '../config/config-file-name.js';
import type { DaemonClient } from '../daemon/client.js';
import type { AppInfo } from '../daemon/protocol.js';
import { withDaemon } from './daemon-command.js';
import { onlyNames, pickApps } from './only-apps.js';

/** A target names a config file when it has a config file's name and the file is there: an app may be named like one. */
export function isConfigTarget(target: string): boolean {
  return isConfigFile(target) && existsSync(target);
}

export interface ConfigTargetOptions {
  /** The request's fields besides the target (`shellEnv` of `--update-env`). */
  body?: Record<string, unknown>;
  /** `--only` as parsed: only these apps of the file. */
  only?: string[] | undefined;
  onProgress?: ((progress: unknown) => void) | undefined;
}

/**
 * The app names of a config file that `command` acts on (`--only`: those of these names), as PM2 reads them there:
 * see configAppNames.
 */
export async function configTargetNames(
  command: 'stop' | 'delete' | 'reload' | 'reset',
  file: string,
  only: string[] | undefined,
): Promise<string[]> {
  // By URL, not `import('./config-app-names.js')`: this module is bundled into stop, reload and delete
  // (scripts/bundle-entries.js), which would inline the loader (yaml, zod: about 150 ms) into every `hive stop`.
  const { configAppNames } = (await import(
    new URL('./config-app-names.js', import.meta.url).href
  )) as typeof import('./config-app-names.js');
  // A reload checks the file as a start does; stop and delete need only its names, as PM2's.
  const config = await configAppNames(file, { strict: command === 'reload' });
  return pickApps(config, onlyNames(only)).map((app) => app.name);
}

/**
 * `hive stop|delete|reload <config file>` (as `pm2 stop ecosystem.config.js`): the command on each app the file names,
 * by name only (`by: 'name'`: an app named `0` in the file is not app 0, as PM2 matches a file's apps by name); one the
 * daemon does not have is skipped, as PM2 skips it, unless none is there (ERR_HIVE_APP_NOT_FOUND).
 * (`hive restart <config file>` is a start of the file again: see restart.ts.)
 */
export async function onConfigApps(
  command: 'stop' | 'delete' | 'reload' | 'reset',
  file: string,
  options: ConfigTargetOptions = {},
): Promise<AppInfo[]> {
  const names = await configTargetNames(command, file, options.only);
  const run = async (client: DaemonClient) => {
    const apps: AppInfo[] = [];
    let missing: unknown;
    for (const name of names) {
      try {
        const body = { ...options.body, target: name, by: 'name' };
        apps.push(...(await client.request<AppInfo[]>(command, body, options.onProgress)));
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'ERR_HIVE_APP_NOT_FOUND') throw error;
        missing ??= error;
      }
    }
    if (apps.length === 0 && missing !== undefined) throw missing;
    return apps;
  };
  return (await withDaemon(run))!;
}
