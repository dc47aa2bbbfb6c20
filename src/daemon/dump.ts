import { isAbsolute } from 'node:path';
import { DumpInvalidError } from './errors.js';
import { type AppSpec, appSpecSchema } from './protocol.js';

/** The dump's format (`$HIVE_HOME/dump.json`, written by `save`): `resurrect` reads this one only. */
export const DUMP_VERSION = 1;

/**
 * What a saved app was asked to be: `stopped` after a `hive stop`, else `online` (running, errored, or a one-shot
 * job between runs: its cron still runs). Kept in the dump's `status` (app name -> status), as PM2's dump keeps each
 * process's status, so that resurrect brings a stopped app back stopped. A top-level key of format 1 rather than a new
 * format: a Hive from before it ignores the key (and starts every app, as it did), and its dumps, which have none,
 * read as every app online.
 */
export type SavedStatus = 'online' | 'stopped';

/** One app of a dump. */
export interface SavedApp {
  spec: AppSpec;
  status: SavedStatus;
}

/** The text of a dump of `apps`. */
export function writeDump(apps: readonly SavedApp[]): string {
  const status = Object.fromEntries(apps.map((app) => [app.spec.name, app.status]));
  // Each app's config file in a top-level key too, as `status`: in a spec, it would be a key a Hive from before it
  // refuses (its schema is strict), failing a resurrect after a downgrade.
  const configFiles: Record<string, string> = {};
  // And fork.hiveNode, for the same reason: a Hive from before it runs the app with the saved Node (the last daemon's).
  const hiveNode: Record<string, 'node' | 'tsx'> = {};
  const specs = apps.map(({ spec: { configFile, ...spec } }) => {
    if (configFile !== undefined) configFiles[spec.name] = configFile;
    if (spec.fork?.hiveNode === undefined) return spec;
    const { hiveNode: mark, ...fork } = spec.fork;
    hiveNode[spec.name] = mark;
    return { ...spec, fork };
  });
  return `${JSON.stringify({ version: DUMP_VERSION, apps: specs, status, configFiles, hiveNode }, null, 2)}\n`;
}

/**
 * The apps of a dump's text; DumpInvalidError names the file and what is wrong (the JSON error, the key).
 * `advice` replaces the error's way out (see DumpInvalidError).
 */
export function readDump(file: string, text: string, advice?: string): SavedApp[] {
  const invalid = (reason: string, cause?: unknown) =>
    new DumpInvalidError(file, reason, { cause, ...(advice === undefined ? {} : { advice }) });
  let dump: unknown;
  try {
    dump = JSON.parse(text);
  } catch (error) {
    throw invalid(`not JSON (${(error as Error).message})`, error);
  }
  // Written by another format (a newer Hive, after a downgrade): its keys may mean something else, so none is guessed.
  // Its version is checked before its keys: a newer format may have no `apps`, and that error would hide the version.
  const { version, apps } = (dump ?? {}) as { version?: unknown; apps?: unknown };
  const otherVersion = () => invalid(`version: expected ${DUMP_VERSION}, got ${JSON.stringify(version) ?? 'none'}`);
  if (version !== undefined && version !== DUMP_VERSION) throw otherVersion();
  if (!Array.isArray(apps)) throw invalid('expected an object with an `apps` array');
  if (version !== DUMP_VERSION) throw otherVersion();
  const status = (dump as { status?: unknown }).status ?? {};
  if (typeof status !== 'object' || status === null || Array.isArray(status)) {
    throw invalid('status: expected an object of app name -> "online" or "stopped"');
  }
  for (const [name, value] of Object.entries(status)) {
    if (value !== 'online' && value !== 'stopped') {
      throw invalid(`status.${name}: expected "online" or "stopped", got ${JSON.stringify(value)}`);
    }
  }
  const statusOf = status as Record<string, SavedStatus>;
  const configFiles = (dump as { configFiles?: unknown }).configFiles ?? {};
  if (typeof configFiles !== 'object' || configFiles === null || Array.isArray(configFiles)) {
    throw invalid('configFiles: expected an object of app name -> config file path');
  }
  const configFileOf = configFiles as Record<string, unknown>;
  const hiveNode = (dump as { hiveNode?: unknown }).hiveNode ?? {};
  if (typeof hiveNode !== 'object' || hiveNode === null || Array.isArray(hiveNode)) {
    throw invalid('hiveNode: expected an object of app name -> "node" or "tsx"');
  }
  const hiveNodeOf = hiveNode as Record<string, unknown>;
  return apps.map((spec, i) => {
    const parsed = appSpecSchema.safeParse(spec);
    if (parsed.success) {
      const { name } = parsed.data;
      const configFile = Object.hasOwn(configFileOf, name) ? configFileOf[name] : undefined;
      if (configFile !== undefined) {
        if (typeof configFile !== 'string' || !isAbsolute(configFile)) {
          throw invalid(`configFiles.${name}: expected an absolute path, got ${JSON.stringify(configFile)}`);
        }
        parsed.data.configFile = configFile;
      }
      const mark = Object.hasOwn(hiveNodeOf, name) ? hiveNodeOf[name] : undefined;
      if (mark !== undefined) {
        if ((mark !== 'node' && mark !== 'tsx') || parsed.data.fork === undefined) {
          throw invalid(`hiveNode.${name}: expected "node" or "tsx" for a fork-mode app, got ${JSON.stringify(mark)}`);
        }
        parsed.data.fork.hiveNode = mark;
      }
      return { spec: parsed.data, status: Object.hasOwn(statusOf, name) ? statusOf[name]! : 'online' };
    }
    const issue = parsed.error.issues[0]!;
    const key = [
      `apps[${i}]`,
      ...issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)),
    ];
    throw invalid(`${key.join('')}: ${issue.message}`, parsed.error);
  });
}
