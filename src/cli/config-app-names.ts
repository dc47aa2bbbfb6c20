import { basename, extname, resolve } from 'node:path';
import { configFormat } from '../config/config-file-name.js';
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load-config.js';
import { appNameProblem } from '../daemon/app-name.js';

/** The apps of a config file as the commands that act by name see them: their names. */
export interface ConfigAppNames {
  file: string;
  apps: { name: string }[];
}

/**
 * The app names of a config file, for `hive stop|delete <config>`: as PM2 takes them there, the names alone, so that
 * an option a start would refuse (an unknown key, a bad value, added since the apps started) does not keep them from
 * being stopped. A file that cannot be read, has no `apps` list or no name in it is refused as a start refuses it
 * (ERR_HIVE_CONFIG naming the file); `strict` (reload) refuses what a start refuses. A name no app can have (`all`,
 * which every target reads as every app) is left out.
 */
export async function configAppNames(path: string, { strict = false } = {}): Promise<ConfigAppNames> {
  let names: string[];
  let file: string;
  try {
    const config = await loadConfig(path);
    file = config.file;
    names = config.apps.map((app) => app.name);
  } catch (error) {
    // Refused at a key of a file that was read: its names are still there, in what the loader read (a JavaScript or
    // TypeScript file is not run a second time). Any other error stands.
    if (strict || !(error instanceof ConfigError) || error.key === undefined || error.content === undefined)
      throw error;
    file = resolve(path);
    names = namesIn(error.content, configFormat(file));
    if (names.length === 0) throw error;
  }
  const usable = [...new Set(names)].filter((name) => appNameProblem(name) === undefined);
  if (usable.length === 0) throw new ConfigError(file, 'apps', 'no app name to act on');
  return { file, apps: usable.map((name) => ({ name })) };
}

// The names as the loader would give them: PM2 names an unnamed app after its script, and takes a bare array of apps.
function namesIn(content: unknown, format: 'hive' | 'pm2'): string[] {
  const apps = format === 'pm2' && Array.isArray(content) ? content : isObject(content) ? content.apps : undefined;
  if (!Array.isArray(apps)) return [];
  return apps.flatMap((app) => {
    if (!isObject(app)) return [];
    if (typeof app.name === 'string') return [app.name];
    if (format === 'pm2' && app.name === undefined && typeof app.script === 'string') {
      return [basename(app.script, extname(app.script))];
    }
    return [];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
