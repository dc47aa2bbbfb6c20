import { existsSync } from 'node:fs';
import { isConfigFile } from '../config/config-file-name.js';
import type { DaemonClient } from '../daemon/client.js';
import { AppsFailedError, ConfigAppsNotFoundError } from '../daemon/errors.js';
import type { AppInfo } from '../daemon/protocol.js';
import { withDaemon } from './daemon-command.js';
import { failedStartApp } from './failed-start.js';
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
 * see eachByName, whose `failure` the command says after the apps. (`hive restart <config file>` is a start of the file
 * again: see restart.ts; `hive reload <config file>` reloads with the file's env, and starts the apps not there: see
 * reload.ts.) One the daemon does not have is skipped, as PM2's stop skips it, unless none is there
 * (ConfigAppsNotFoundError, naming the file and each of them).
 */
export async function onConfigApps(
  command: 'stop' | 'delete' | 'reset',
  file: string,
  options: ConfigTargetOptions = {},
): Promise<ByName<{ name: string }>> {
  const requests = (await configTargetNames(file, options)).map((name) => ({ name }));
  const taken = (await withDaemon((client) => eachByName(client, command, requests)))!;
  if (taken.apps.length === 0 && !('failure' in taken) && taken.notFound !== undefined) {
    throw new ConfigAppsNotFoundError(
      file,
      taken.missing.map((request) => request.name),
    );
  }
  return taken;
}

/** What eachByName did: see there. */
export interface ByName<R> {
  apps: AppInfo[];
  /** The requests of apps the daemon does not have, and the first of their errors (ERR_HIVE_APP_NOT_FOUND). */
  missing: R[];
  notFound?: unknown;
  /** Set only when apps failed: one's own error, or several as one AppsFailedError naming each. */
  failure?: unknown;
}

// What AppsFailedError says was done to the others.
const done = { stop: 'stopped', delete: 'deleted', reset: 'reset', reload: 'reloaded' };

/**
 * The command on each of a config file's apps, in turn, by name only (`by: 'name'`: an app named `0` in the file is not
 * app 0, as PM2 matches a file's apps by name), each with its own request fields (`body`). An app that fails does not
 * stop the others, as `hive start <config>` and the fleet commands go on (fleetApps): it is said after them
 * (`failure`), and stays among the apps as it is now (errored, or online with its old processes), but for a delete,
 * whose apps are the ones it deleted. The daemon gone, each app left would fail alike: its error is thrown, as before.
 */
export async function eachByName<R extends { name: string }>(
  client: DaemonClient,
  command: keyof typeof done,
  requests: R[],
  body: (request: R) => Record<string, unknown> = () => ({}),
  onProgress?: (progress: unknown) => void,
): Promise<ByName<R>> {
  const taken: ByName<R> = { apps: [], missing: [] };
  const failures: { name: string; error: unknown }[] = [];
  for (const request of requests) {
    try {
      const fields = { ...body(request), target: request.name, by: 'name' };
      taken.apps.push(...(await client.request<AppInfo[]>(command, fields, onProgress)));
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_HIVE_APP_NOT_FOUND') {
        taken.missing.push(request);
        taken.notFound ??= error;
        continue;
      }
      if (client.closed) throw error;
      failures.push({ name: request.name, error });
      const app = command === 'delete' ? undefined : await failedStartApp(client, request.name, error);
      if (app) taken.apps.push(app);
    }
  }
  if (failures.length === 1) taken.failure = failures[0]!.error;
  if (failures.length > 1) {
    const count = requests.length - taken.missing.length - failures.length;
    taken.failure = new AppsFailedError(failures, { count, verb: done[command] });
  }
  return taken;
}
