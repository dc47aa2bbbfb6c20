import { existsSync } from 'node:fs';
import { isConfigFile } from '../config/config-file-name.js';
import type { DaemonClient } from '../daemon/client.js';
import type { AppInfo } from '../daemon/protocol.js';
import { withDaemon } from './daemon-command.js';
import { onlyNames, pickApps } from './only-apps.js';

/**
 * A target names a config file when it has a config file's name and the file is there: an app may be named like one.
 */
export function isConfigTarget(target: string): boolean {
  return isConfigFile(target) && existsSync(target);
}

export interface ConfigTargetOptions {
  /** `--only` as parsed: only these apps of the file. */
  only?: string[] | undefined;
  /** `--env <name>`: the names start gave the apps under it (`appendEnvToName`), checked as start checks it. */
  env?: string | undefined;
}

/**
 * The app names of a config file that stop, delete or reset act on (`--only`: those of these names; `--env`: as
 * start names them), as PM2 reads them there: see configAppNames.
 */
export async function configTargetNames(file: string, { only, env }: ConfigTargetOptions = {}): Promise<string[]> {
  // By URL, not `import('./config-app-names.js')`: this module is bundled into stop, reload and delete
  // (scripts/bundle-entries.js), which would inline the loader (yaml, zod: about 150 ms) into every `hive stop`.
  const { configAppNames, envNames } = (await import(
    new URL('./config-app-names.js', import.meta.url).href
  )) as typeof import('./config-app-names.js');
  const config = await configAppNames(file);
  return envNames(config, pickApps(config, onlyNames(only)), env);
}

/**
 * `hive stop|delete|reset <config file>` (as `pm2 stop ecosystem.config.js`): the command on each app the file names;
 * see onAppsByName. (`hive restart <config file>` is a start of the file again: see restart.ts; `hive reload <config
 * file>` reloads with the file's env, and starts the apps not there: see reload.ts.)
 */
export async function onConfigApps(
  command: 'stop' | 'delete' | 'reset',
  file: string,
  options: ConfigTargetOptions = {},
): Promise<AppInfo[]> {
  const names = await configTargetNames(file, options);
  return onAppsByName(
    command,
    names.map((name) => ({ name, body: {} })),
  );
}

/**
 * The command on each of a config file's apps, by name only (`by: 'name'`: an app named `0` in the file is not app 0,
 * as PM2 matches a file's apps by name), each with its own request fields; one the daemon does not have is skipped,
 * as PM2's stop skips it, unless none is there (ERR_HIVE_APP_NOT_FOUND).
 */
export async function onAppsByName(
  command: 'stop' | 'delete' | 'reset',
  requests: { name: string; body: Record<string, unknown> }[],
): Promise<AppInfo[]> {
  const run = async (client: DaemonClient) => {
    const apps: AppInfo[] = [];
    let missing: unknown;
    for (const { name, body } of requests) {
      try {
        apps.push(...(await client.request<AppInfo[]>(command, { ...body, target: name, by: 'name' })));
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
