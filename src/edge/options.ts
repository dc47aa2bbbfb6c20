/**
 * The edge options: a zod schema with typed defaults, checked at the door so that no config is rendered (or file
 * written) from bad input. `resolveEdgeConfig` is the one entry point; the renderers only ever see its output.
 */
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { describeValue } from '../errors.js';
import {
  EdgeBalanceConflictError,
  EdgeHostError,
  EdgeNoUpstreamError,
  EdgeOptionError,
  EdgeTlsFileError,
} from './errors.js';
import { type HostPort, parseHostList } from './host-list.js';

// nginx's own syntaxes, so that what passes here also passes `nginx -t`.
const kDuration = /^\d+(ms|s|m|h|d)?$/;
const kSize = /^\d+[kKmMgG]?$/;
const kRate = /^\d+r\/(s|m)$/;
const kAppName = /^[a-z][a-z0-9_-]{0,62}$/i;
const kServerName = /^(_|~.+|[a-z0-9*][a-z0-9.*-]*)$/i;
const kBalance = /^(round_robin|least_conn|ip_hash|hash:(cookie|header):[A-Za-z0-9_-]+)$/;
// A path nginx can take unquoted: no whitespace, quotes, braces or semicolons.
const kPath = /^[^\s"'{};]+$/;

const duration = z
  .union([z.number(), z.string()])
  .refine((value) => (typeof value === 'number' ? Number.isInteger(value) && value >= 0 : kDuration.test(value)), {
    error: 'expected an nginx duration such as "10s", "500ms", "1m", or a whole number of seconds',
  })
  .transform((value) => (typeof value === 'number' ? `${value}s` : value));
const size = z
  .union([z.number(), z.string()])
  .refine((value) => (typeof value === 'number' ? Number.isInteger(value) && value >= 0 : kSize.test(value)), {
    error: 'expected an nginx size such as "1m", "512k", or a whole number of bytes',
  })
  .transform((value) => String(value));
const port = z.number().int().min(1).max(65535, { error: 'expected an integer port from 1 to 65535' });
const path = z.string().min(1).regex(kPath, { error: 'expected a path without spaces, quotes, braces or ";"' });
const positiveInt = z.number().int().positive();

const upstreamSchema = z.strictObject({
  /** Port of the local cluster (`hive run`); proxied at `address`. */
  port: port.optional(),
  /** Address of the local cluster port. */
  address: z.string().min(1).default('127.0.0.1'),
  /** Other hosts running the app: `"10.0.0.5:3000,10.0.0.6:3000"` or an array. */
  hosts: z.union([z.string(), z.array(z.union([z.string(), z.strictObject({ host: z.string(), port })]))]).optional(),
  /** round_robin (nginx's default), least_conn, ip_hash, hash:cookie:<name>, hash:header:<name>. */
  balance: z
    .string()
    .regex(kBalance, {
      error: 'expected round_robin, least_conn, ip_hash, hash:cookie:<name> or hash:header:<name>',
    })
    .optional(),
  /**
   * Idle keep-alive connections each nginx worker keeps per upstream block; 0 turns upstream keep-alive off.
   * Default 32, or 0 for a sticky app (see `finishSite`).
   */
  keepalive: z.number().int().nonnegative().optional(),
  /**
   * Idle time after which nginx closes an upstream connection. Must stay below the app's own keep-alive timeout
   * (Node's default is 5 s): otherwise the app closes first and a request sent on the closing socket fails.
   */
  keepaliveTimeout: duration.default('4s'),
  keepaliveRequests: positiveInt.default(1000),
  /** Passive health: failures within failTimeout that take a server out for failTimeout. */
  maxFails: z.number().int().nonnegative().default(3),
  failTimeout: duration.default('10s'),
});

const tlsSchema = z.strictObject({
  cert: path,
  key: path,
  port: port.default(443),
  /** Answer plain HTTP with a 301 to HTTPS (the ACME challenge location stays on HTTP). */
  redirect: z.boolean().default(true),
  hsts: z
    .union([
      z.boolean(),
      z.strictObject({
        maxAge: z.number().int().nonnegative().default(63072000),
        includeSubDomains: z.boolean().default(false),
        preload: z.boolean().default(false),
      }),
    ])
    .default(false),
  http2: z.boolean().default(true),
});

const siteSchema = z.strictObject({
  app: z.string().regex(kAppName, { error: 'expected a name of letters, digits, "-" or "_", starting with a letter' }),
  serverName: z
    .union([z.string(), z.array(z.string())])
    .default('_')
    .transform((value) => (Array.isArray(value) ? value : value.split(/[\s,]+/).filter(Boolean)))
    .pipe(z.array(z.string().regex(kServerName, { error: 'expected a host name, "_" or a ~regex' })).min(1)),
  listen: z
    .strictObject({
      address: z.string().min(1).optional(),
      port: port.default(80),
      defaultServer: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * The app's sticky setting (as `hive run --sticky`: `ip`, `header:<name>`, `cookie:<name>`, or true for ip): a
   * sticky app needs ip_hash or hash balancing, and gets the matching one by default.
   */
  sticky: z
    .union([
      z.boolean(),
      z
        .string()
        .regex(/^(ip|(header|cookie):[A-Za-z0-9_-]+)$/, { error: 'expected ip, header:<name> or cookie:<name>' }),
    ])
    .optional(),
  upstream: upstreamSchema.prefault({}),
  /** proxy_next_upstream: retries on another server, for idempotent requests only (nginx's rule). */
  retries: z
    .union([
      z.literal(false),
      z.strictObject({
        tries: z.number().int().min(1).max(20).default(3),
        timeout: duration.default('10s'),
      }),
    ])
    .prefault({}),
  timeouts: z
    .strictObject({
      connect: duration.default('5s'),
      send: duration.default('60s'),
      read: duration.default('60s'),
    })
    .prefault({}),
  clientMaxBodySize: size.default('1m'),
  gzip: z.boolean().default(true),
  rateLimit: z
    .union([
      z.literal(false),
      z.strictObject({
        rate: z.string().regex(kRate, { error: 'expected a rate such as "10r/s" or "600r/m"' }),
        burst: z.number().int().nonnegative().default(20),
        nodelay: z.boolean().default(true),
        status: z.number().int().min(400).max(599).default(429),
        zoneSize: size.default('10m'),
      }),
    ])
    .default(false),
  tls: tlsSchema.optional(),
  /** Webroot for certbot's HTTP-01 challenge; on by default with TLS. */
  acme: z.union([z.literal(false), z.strictObject({ root: path.default('/var/www/certbot') })]).optional(),
  static: z
    .strictObject({
      location: z.string().regex(/^\/[^\s"'{};]*\/$/, { error: 'expected a URI prefix such as "/static/"' }),
      root: path,
      maxAge: duration.default('7d'),
    })
    .optional(),
  /** Access log path, or false for none. Defaults to /var/log/nginx/<app>.access.log. */
  accessLog: z.union([z.literal(false), path]).optional(),
});

const mainSchema = z
  .strictObject({
    workerProcesses: z.union([z.literal('auto'), positiveInt]).default('auto'),
    workerConnections: positiveInt.default(1024),
    /** Only meaningful when nginx starts as root. */
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*( [a-z_][a-z0-9_-]*)?$/i)
      .optional(),
    pid: path.default('/run/nginx.pid'),
    errorLog: path.default('/var/log/nginx/error.log'),
    /** One directory for nginx's temp files (client bodies, proxy buffers); compiled-in paths when absent. */
    tempDir: path.optional(),
    mimeTypes: path.default('/etc/nginx/mime.types'),
  })
  .prefault({});

export type SiteInput = z.input<typeof siteSchema>;
export type MainInput = z.input<typeof mainSchema>;

/** A whole nginx.conf: the main/events part and one or more apps. */
export interface EdgeConfigInput {
  main?: MainInput;
  sites: SiteInput[];
}

export type Balance = 'round_robin' | 'least_conn' | 'ip_hash' | `hash:${'cookie' | 'header'}:${string}`;

/** A site with every default filled in and every check passed: what the renderer consumes. */
export type EdgeSite = Omit<z.output<typeof siteSchema>, 'upstream' | 'acme'> & {
  upstream: Omit<z.output<typeof upstreamSchema>, 'hosts' | 'balance' | 'keepalive'> & {
    servers: HostPort[];
    balance: Balance;
    keepalive: number;
  };
  acme: false | { root: string };
};
export type EdgeMain = z.output<typeof mainSchema>;
export interface EdgeConfig {
  main: EdgeMain;
  sites: EdgeSite[];
}

/** How validation treats the file system. */
export interface ResolveOptions {
  /** Relative TLS paths are checked against this directory (nginx resolves them against the config's directory). */
  baseDir?: string;
  /** Check that TLS files exist; true unless a caller renders for another machine. */
  checkFiles?: boolean;
}

const configSchema = z.strictObject({ main: mainSchema, sites: z.array(siteSchema).min(1) });

/**
 * Validates edge options and fills in defaults. Throws a typed `HiveError` (`ERR_HIVE_EDGE_*`) naming the first
 * offending key; nothing is rendered or written before this passes.
 */
export function resolveEdgeConfig(input: EdgeConfigInput, options: ResolveOptions = {}): EdgeConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw toOptionError(parsed.error, input);
  const sites = parsed.data.sites.map((site, index) => finishSite(site, `sites[${index}]`, options));
  const names = new Set<string>();
  for (const [index, site] of sites.entries()) {
    const id = nginxId(site.app);
    if (names.has(id)) {
      throw new EdgeOptionError(`sites[${index}].app`, `sites[${index}].app: ${site.app} is used by another site`);
    }
    names.add(id);
  }
  return { main: parsed.data.main, sites };
}

/** Validates a single app and fills in defaults (the common case of `resolveEdgeConfig`). */
export function resolveEdgeSite(input: SiteInput, options: ResolveOptions = {}): EdgeSite {
  return resolveEdgeConfig({ sites: [input] }, options).sites[0]!;
}

/** The app name as an nginx identifier (variables, zones and upstream names cannot hold "-"). */
export function nginxId(app: string): string {
  return app.toLowerCase().replaceAll('-', '_');
}

function finishSite(site: z.output<typeof siteSchema>, prefix: string, options: ResolveOptions): EdgeSite {
  const { hosts, balance: requested, ...upstream } = site.upstream;
  const servers: HostPort[] = [];
  if (upstream.port !== undefined) {
    servers.push(...parseHostList([{ host: upstream.address, port: upstream.port }], `${prefix}.upstream.address`));
  }
  if (hosts !== undefined) {
    for (const server of parseHostList(hosts, `${prefix}.upstream.hosts`)) {
      if (servers.some((s) => s.host === server.host && s.port === server.port)) {
        throw new EdgeHostError(
          `${prefix}.upstream.hosts`,
          `${prefix}.upstream.hosts: ${server.host}:${server.port} repeats the local cluster port`,
        );
      }
      servers.push(server);
    }
  }
  if (servers.length === 0) throw new EdgeNoUpstreamError(`${prefix}.upstream`, site.app);

  const balance = (requested ?? defaultBalance(site.sticky)) as Balance;
  if (isSticky(site.sticky) && (balance === 'round_robin' || balance === 'least_conn')) {
    throw new EdgeBalanceConflictError(`${prefix}.upstream.balance`, site.app, balance);
  }

  if (site.tls && options.checkFiles !== false) {
    for (const key of ['cert', 'key'] as const) {
      const file = resolve(options.baseDir ?? process.cwd(), site.tls[key]);
      try {
        accessSync(file, constants.R_OK);
      } catch (cause) {
        throw new EdgeTlsFileError(`${prefix}.tls.${key}`, file, { cause });
      }
    }
  }
  const acme = site.acme ?? (site.tls ? { root: '/var/www/certbot' } : false);
  // Hive's sticky router picks a process per connection, not per request: a kept-alive upstream connection would
  // carry many clients to the process chosen for the first one. A sticky app gets one connection per request.
  const keepalive = upstream.keepalive ?? (isSticky(site.sticky) ? 0 : 32);
  return { ...site, upstream: { ...upstream, keepalive, servers, balance }, acme };
}

function isSticky(sticky: boolean | string | undefined): boolean {
  return sticky !== undefined && sticky !== false;
}

// Each host keeps a client on one process by the same key, so nginx picks the host by that key too.
function defaultBalance(sticky: boolean | string | undefined): Balance {
  if (!isSticky(sticky)) return 'round_robin';
  if (sticky === true || sticky === 'ip') return 'ip_hash';
  // Behind nginx the cluster keys on the client address nginx forwards; at nginx that address is $remote_addr.
  if (sticky === 'header:x-real-ip' || sticky === 'header:x-forwarded-for') return 'ip_hash';
  return `hash:${sticky}` as Balance;
}

function toOptionError(error: z.ZodError, input: unknown): EdgeOptionError {
  const issue = error.issues[0]!;
  const segments = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  const key = formatPath(segments);
  if (issue.code === 'unrecognized_keys') {
    return new EdgeOptionError(key, `${key}: unknown option`, { cause: error });
  }
  const value = valueAt(input, issue.path);
  const got = value === undefined ? 'nothing' : describeValue(value);
  const message = issue.message.replace(/^Invalid input: /, '');
  return new EdgeOptionError(key, `${key}: ${message}, got ${got}`, { cause: error });
}

function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

function valueAt(input: unknown, segments: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}
