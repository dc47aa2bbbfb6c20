import { basename, extname, resolve } from 'node:path';
import { checkEnvName, envAppName } from '../config/app-env.js';
import { configFormat } from '../config/config-file-name.js';
import { ConfigError } from '../config/errors.js';
import { loadConfig, pm2Source } from '../config/load-config.js';
import { appNameProblem } from '../daemon/app-name.js';

/** The apps of a config file as the commands that act by name see them: their names, and what `--env` makes of them. */
export interface ConfigAppNames {
  file: string;
  apps: AppName[];
}

/** An app's name, its `appendEnvToName` and its `env_<name>` keys (their values are not needed). */
export type AppName = { name: string; appendEnvToName?: boolean } & { [key: `env_${string}`]: unknown };

/**
 * The app names of a config file, for `hive stop|delete|reset <config>`: as PM2 takes them there, the names alone, so
 * that an option a start would refuse (an unknown key, a bad value, added since the apps started) does not keep them
 * from being stopped. A file that cannot be read, has no `apps` list or no name in it is refused as a start refuses it
 * (ERR_HIVE_CONFIG naming the file). A name no app can have (`all`, which every target reads as every app) is left out.
 */
export async function configAppNames(path: string): Promise<ConfigAppNames> {
  let apps: AppName[];
  let file: string;
  try {
    const config = await loadConfig(path);
    file = config.file;
    apps = config.apps;
  } catch (error) {
    // Refused at a key of a file that was read: its names are still there, in what the loader read (a JavaScript or
    // TypeScript file is not run a second time). Any other error stands.
    if (!(error instanceof ConfigError) || error.key === undefined || error.content === undefined) throw error;
    file = resolve(path);
    apps = namesIn(error.content, configFormat(file));
    if (apps.length === 0) throw error;
  }
  const seen = new Set<string>();
  const usable = apps.filter((app) => {
    if (seen.has(app.name) || appNameProblem(app.name) !== undefined) return false;
    seen.add(app.name);
    return true;
  });
  if (usable.length === 0) throw new ConfigError(file, 'apps', 'no app name to act on');
  return { file, apps: usable };
}

/**
 * The names of `apps` (some of `config`'s) under `--env <name>`, as start names them (`appendEnvToName`); a name no
 * app of the file defines `env_<name>` for is refused as start refuses it. A name made too long is left out, as start
 * would have refused it.
 */
export function envNames(config: ConfigAppNames, apps: AppName[], envName: string | undefined): string[] {
  if (envName === undefined) return apps.map((app) => app.name);
  checkEnvName(envName, config.file, config.apps);
  return apps.map((app) => envAppName(app, envName)).filter((name) => appNameProblem(name) === undefined);
}

// The names as the loader would give them: PM2 names an unnamed app after its script, and takes the shapes pm2Source
// reads (a bare array of apps, `apps` as one object, the older `pm2` key, a file that is one app): a file of one app
// with a key a start refuses was refused by stop and delete too, while one with an `apps` list was stopped by name.
function namesIn(content: unknown, format: 'hive' | 'pm2'): AppName[] {
  const source = format === 'pm2' ? pm2Source(content) : content;
  const apps = isObject(source) ? source.apps : undefined;
  if (!Array.isArray(apps)) return [];
  return apps.flatMap((app) => {
    if (!isObject(app)) return [];
    let name: string;
    if (typeof app.name === 'string') name = app.name;
    else if (format === 'pm2' && app.name === undefined && typeof app.script === 'string') {
      name = basename(app.script, extname(app.script));
    } else return [];
    const append = app.appendEnvToName ?? (format === 'pm2' ? app.append_env_to_name : undefined);
    const envs = Object.fromEntries(Object.keys(app).flatMap((key) => (key.startsWith('env_') ? [[key, true]] : [])));
    return [{ ...envs, name, appendEnvToName: append === true }];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
