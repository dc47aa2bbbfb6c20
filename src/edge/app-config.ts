/**
 * Reads the apps of a Hive config file for `hive edge nginx --config`: each app's name, port, socket and sticky
 * setting, plus an optional `edge` object of site options (the same keys as `SiteInput`).
 */
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { describeValue } from '../errors.js';
import { EdgeOptionError } from './errors.js';
import type { SiteInput } from './options.js';

interface AppEntry {
  name?: unknown;
  port?: unknown;
  cwd?: string;
  socket?: unknown;
  sticky?: unknown;
  edge?: unknown;
}

/**
 * Loads a config file (any format `hive/config` reads) and turns its apps into edge
 * sites. `only` picks one app by name. Apps with no port, socket or `edge.upstream.hosts` are skipped unless picked.
 */
export async function loadEdgeSites(file: string, only?: string): Promise<SiteInput[]> {
  // The one config loader (hive.config.* or PM2 ecosystem files): validated, errors name the file, app and key.
  const { apps } = await loadConfig(file);
  const sites = apps.map((app, index) => toSite(app as AppEntry, `apps[${index}]`, file));
  if (only !== undefined) {
    const site = sites.find((s) => s.app === only);
    if (!site) {
      const names = sites.map((s) => s.app).join(', ');
      throw new EdgeOptionError('app', `--app ${JSON.stringify(only)} is not in ${file} (apps: ${names})`);
    }
    return [site];
  }
  const served = sites.filter(
    ({ upstream }) => upstream?.port !== undefined || upstream?.socket !== undefined || upstream?.hosts !== undefined,
  );
  if (served.length === 0) {
    throw new EdgeOptionError('apps', `${file}: no app has a port, a socket or edge.upstream.hosts to proxy to`);
  }
  return served;
}

function toSite(app: AppEntry, key: string, file: string): SiteInput {
  if (typeof app !== 'object' || app === null || typeof app.name !== 'string') {
    throw new EdgeOptionError(
      `${key}.name`,
      `${file}: ${key}.name: expected a string, got ${describeValue(app?.name)}`,
    );
  }
  const edge = (app.edge ?? {}) as Record<string, unknown>;
  if (typeof edge !== 'object' || Array.isArray(edge)) {
    throw new EdgeOptionError(`${key}.edge`, `${file}: ${key}.edge: expected an object, got ${describeValue(edge)}`);
  }
  const upstream = { ...((edge.upstream ?? {}) as Record<string, unknown>) };
  if (app.port !== undefined && upstream.port === undefined) upstream.port = app.port;
  // The socket `hive run` also listens on (the app's `socket` key); as upstream.socket it takes the local port's place.
  // A relative path means what it means to `hive run`: relative to the app's cwd (made absolute by the loader).
  if (app.socket !== undefined && upstream.socket === undefined) {
    upstream.socket =
      typeof app.socket === 'string' ? resolve(app.cwd ?? dirname(resolve(file)), app.socket) : app.socket;
  }
  const site: Record<string, unknown> = { ...edge, app: app.name, upstream };
  if (app.sticky !== undefined && edge.sticky === undefined) site.sticky = app.sticky;
  // Shape errors inside are reported by the schema with the full key.
  return site as unknown as SiteInput;
}
