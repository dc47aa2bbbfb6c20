/**
 * Reads the apps of a Hive config file for `hive edge nginx --config`: each app's name, port, socket and sticky
 * setting, plus an optional `edge` object of site options (the same keys as `SiteInput`), and its drain idle grace.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../cluster/units.js';
import { loadConfig } from '../config/load-config.js';
import { describeValue } from '../errors.js';
import { EdgeOptionError } from './errors.js';
import { logPath } from './log-path.js';
import type { MainInput, SiteInput } from './options.js';

interface AppEntry {
  name?: unknown;
  port?: unknown;
  cwd?: string;
  socket?: unknown;
  sticky?: unknown;
  drainIdleGrace?: unknown;
  edge?: unknown;
}

/** A config file's sites for `hive edge nginx --config`, and what else of its apps the edge must fit. */
export interface EdgeConfigFile {
  main: MainInput;
  sites: SiteInput[];
  /**
   * Each app's `drainIdleGrace` (`drain_idle_grace` in a PM2 file) in ms, for the apps that set one: their draining
   * processes close an idle kept-alive connection that much sooner or later than hive run's default 1 s.
   */
  drainIdleGraces: Map<string, number>;
}

/**
 * Loads a config file (any format `hive/config` reads) and turns its apps into edge sites, and its top-level
 * `edge.main` into the main context of a whole nginx.conf. `only` picks one app by name. Apps with no port, socket or
 * `edge.upstream.hosts` are skipped unless picked.
 */
export async function loadEdgeConfig(file: string, only?: string): Promise<EdgeConfigFile> {
  // The one config loader (hive.config.* or PM2 ecosystem files): validated, errors name the file, app and key.
  const { apps, edge } = await loadConfig(file);
  return {
    main: mainPaths(edge?.main ?? {}, file) as MainInput,
    sites: selectApps(apps, file, only),
    drainIdleGraces: drainIdleGraces(apps as readonly AppEntry[]),
  };
}

// The loader checked each value with hive run's own parser already (config/app-schema.ts): a number is in ms.
function drainIdleGraces(apps: readonly AppEntry[]): Map<string, number> {
  const graces = new Map<string, number>();
  for (const app of apps) {
    if (typeof app.name === 'string' && app.drainIdleGrace !== undefined) {
      graces.set(app.name, parseDuration(app.drainIdleGrace, 'drainIdleGrace'));
    }
  }
  return graces;
}

function selectApps(apps: readonly unknown[], file: string, only: string | undefined): SiteInput[] {
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
  // The CA file of TLS to the app, like the other paths below: nginx would read a relative one from its prefix.
  const tls = upstream.tls;
  if (typeof tls === 'object' && tls !== null && !Array.isArray(tls)) {
    const { ca } = tls as Record<string, unknown>;
    if (typeof ca === 'string' && ca !== '' && !isAbsolute(ca))
      upstream.tls = { ...tls, ca: resolve(dirname(resolve(file)), ca) };
  }
  const site: Record<string, unknown> = { ...edge, app: app.name, upstream, ...absolutePaths(edge, file) };
  if (app.sticky !== undefined && edge.sticky === undefined) site.sticky = app.sticky;
  // Shape errors inside are reported by the schema with the full key.
  return site as unknown as SiteInput;
}

// nginx reads a relative ssl_certificate, alias, root or access_log from its own prefix (/etc/nginx, /usr/share/nginx),
// not from where the Hive config is, and Hive checked the TLS files against the current directory: a third place.
// Relative paths in the file mean the file's directory, and are written absolute, as the flags are made absolute from
// the current directory.
function absolutePaths(edge: Record<string, unknown>, file: string): Record<string, unknown> {
  const base = dirname(resolve(file));
  const fix = (value: unknown, keys: readonly string[]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const copy: Record<string, unknown> = { ...value };
    for (const key of keys) {
      const path = copy[key];
      if (typeof path === 'string' && path !== '' && !isAbsolute(path)) copy[key] = resolve(base, path);
    }
    return copy;
  };
  const out: Record<string, unknown> = {};
  if (edge.tls !== undefined) out.tls = fix(edge.tls, ['cert', 'key']);
  if (edge.static !== undefined) out.static = fix(edge.static, ['root']);
  if (edge.acme !== undefined) out.acme = fix(edge.acme, ['root']);
  // nginx opens a relative access_log under its own prefix as well.
  if (typeof edge.accessLog === 'string') out.accessLog = logPath(edge.accessLog, base);
  return out;
}

// The main context's paths, made absolute from the file's directory for the same reason.
function mainPaths(main: Record<string, unknown>, file: string): Record<string, unknown> {
  const base = dirname(resolve(file));
  const out: Record<string, unknown> = { ...main };
  for (const key of ['pid', 'tempDir', 'mimeTypes']) {
    const path = out[key];
    if (typeof path === 'string' && path !== '') out[key] = resolve(base, path);
  }
  if (typeof out.errorLog === 'string') out.errorLog = logPath(out.errorLog, base);
  return out;
}
