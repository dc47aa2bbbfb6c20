/**
 * The zod schemas of the edge options, with typed defaults. nginx's own syntaxes (durations, sizes, rates) are
 * checked here, so whatever passes also passes `nginx -t`; cross-field rules live in options.ts.
 */
import { isIP, isIPv6 } from 'node:net';
import { z } from 'zod';
import { stickyModeProblem } from '../cluster/sticky-mode.js';
import { MAX_UNIX_SOCKET_PATH_BYTES, unixSocketPathOverLimit } from '../unix-socket-path.js';
import { DEFAULT_KEEPALIVE_TIMEOUT_MS } from './drain-keepalive.js';
import { kHostname, kMaxWeight } from './host-list.js';
import { type DurationKind, normaliseNginxDuration, parseNginxDuration } from './nginx-duration.js';
import { durationMs } from './retry-budget.js';

// At most 9 digits: nginx's parsers refuse a value that overflows once scaled to ms or bytes.
const kMaxDigits9 = 999_999_999;
const kSize = /^\d{1,9}[kKmMgG]?$/;
const kAppName = /^[a-z][a-z0-9_-]{0,62}$/i;
// A ~regex is rendered quoted (nginx-server.ts); whitespace would still split it into two names. nginx takes a
// wildcard only as a whole first label (`*.example.com`) or a whole last one (`www.example.*`): `*example.com` fails
// nginx -t, and `w*.example.com` or `a.*.com` pass it as exact names that no request ever carries.
const kLabels = '[a-z0-9-]+(\\.[a-z0-9-]+)*';
const kServerName = new RegExp(`^(_|~\\S+|\\*\\.${kLabels}|${kLabels}(\\.\\*)?)$`, 'i');
// A path nginx can take unquoted: no whitespace, quotes, braces or semicolons. No "$" either: alias, root and
// access_log expand variables, even quoted, so "/srv/$x" would fail as an unknown variable (or read a header).
// No "\": nginx's reader takes it as an escape, so "/logs\" swallows the space or ";" after it and "\n" becomes
// a newline. No "#" at the start: it opens a comment there, and the directive runs on into the next line.
const kPath = /^(?!#)[^\s"'{};$\\]+$/;

/** `hive run`'s own rule for a sticky setting (cluster/sticky-mode.ts), as a zod refinement. */
export function stickyRefinement(value: string, context: z.RefinementCtx): void {
  const problem = stickyModeProblem(value);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
}

// Durations take nginx's whole time syntax (nginx-duration.ts) and are written back in one unit; a number is seconds.
function nginxDuration(kind: DurationKind, error: string) {
  return z.union([z.number(), z.string()], { error }).transform((value, context) => {
    const text = typeof value === 'number' ? (Number.isInteger(value) && value >= 0 ? `${value}s` : '') : value;
    const ms = parseNginxDuration(text, kind);
    if (ms === undefined) {
      context.addIssue({ code: 'custom', message: error });
      return z.NEVER;
    }
    return normaliseNginxDuration(text, ms);
  });
}
const duration = nginxDuration(
  'ms',
  'expected an nginx duration such as "10s", "500ms", "1h30m" or "1d" (units w d h m s ms, largest first), or a ' +
    'whole number of seconds',
);
// proxy_connect/send/read_timeout 0 is not "no limit" to nginx: every request times out at once (504).
const positiveDuration = duration.refine((value) => typeof value === 'string' && durationMs(value) > 0, {
  error: 'expected a duration of more than 0 (nginx times every request out at once on 0), such as "60s"',
});
// fail_timeout and expires parse their value in whole seconds: nginx rejects "500ms" there.
const secondsDuration = nginxDuration(
  'seconds',
  'expected a duration in whole seconds such as "10s", "1m30s", "7d" (units y M w d h m s, largest first), or a ' +
    'whole number of seconds (no "ms")',
);
const size = z
  .union([z.number(), z.string()], { error: 'expected an nginx size such as "1m", "512k", or a whole number of bytes' })
  .refine(
    (value) =>
      typeof value === 'number' ? Number.isInteger(value) && value >= 0 && value <= kMaxDigits9 : kSize.test(value),
    {
      error: 'expected an nginx size such as "1m", "512k", or a whole number of bytes',
    },
  )
  .transform((value) => String(value));
// proxy_buffer_size, in KiB: the buffer nginx reads a response's status line and headers into. nginx's default is one
// memory page (4k), and a response whose headers do not fit (a few cookies, a CSP, a JWT) becomes a 502 "upstream
// sent too big header"; Node.js sends up to its own 16 KiB header limit and more. 1m at most: per connection.
const kHeaderBufferError = 'expected a size from 4k to 1m, such as "16k"';
const kSizeUnits: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 };
const headerBufferSize = z
  .union([z.number().int(), z.string().regex(/^\d{1,7}[kKmM]?$/, { error: kHeaderBufferError })], {
    error: kHeaderBufferError,
  })
  .transform((value) => {
    const [, digits = '0', unit = ''] = /^(\d+)([kKmM]?)$/.exec(String(value)) ?? [];
    return Math.ceil((Number(digits) * (kSizeUnits[unit.toLowerCase()] ?? 1)) / 1024);
  })
  .refine((kib) => kib >= 4 && kib <= 1024, { error: kHeaderBufferError });
// A shared-memory zone takes a size in bytes, k or m (no g), and nginx refuses one under 8 memory pages: 32k with
// 4 KiB pages. The ceiling keeps a typo from asking nginx -t to map terabytes; 4096m holds about 64M client states.
const kZoneMin = 32 * 1024;
const kZoneMax = 4096 * 1024 * 1024;
const kZoneUnits: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 };
const zoneSize = z
  .union([z.number(), z.string()], { error: 'expected a zone size such as "10m"' })
  .refine(
    (value) => {
      const match = /^(\d{1,10})([kKmM]?)$/.exec(String(value));
      if (!match) return false;
      const bytes = Number(match[1]) * kZoneUnits[match[2]!.toLowerCase()]!;
      return bytes >= kZoneMin && bytes <= kZoneMax;
    },
    { error: 'expected a zone size of at least 32k and at most 4096m, in bytes, k or m, such as "10m"' },
  )
  .transform((value) => String(value));
// nginx keeps the rate as an integer and refuses 0 and anything its integer parser overflows on.
const rate = z.string().refine(
  (value) => {
    const match = /^(\d{1,9})r\/(s|m)$/.exec(value);
    return match !== null && Number(match[1]) >= 1;
  },
  { error: 'expected a rate of at least 1 request, such as "10r/s" or "600r/m"' },
);
const kPortError = 'expected an integer port from 1 to 65535';
const port = z.number().int().min(1, { error: kPortError }).max(65535, { error: kPortError });
const path = z.string().min(1).regex(kPath, {
  error: 'expected a path without spaces, quotes, braces, ";", "$" or "\\", not starting with "#"',
});
// nginx reads counts into (at least) 32-bit integers; larger ones fail or wrap, and JS prints 1e21 as "1e+21".
const kMaxCount = 2 ** 31 - 1;

/** nginx's error log levels (`error_log <file> <level>`), least severe first: a level logs itself and all after it. */
export const kErrorLogLevels = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const;
const errorLogLevel = z.enum(kErrorLogLevels, { error: `expected an nginx log level: ${kErrorLogLevels.join(', ')}` });
// limit_req_log_level takes these four only.
const kLimitLogLevels = ['info', 'notice', 'warn', 'error'] as const;
const positiveInt = z.number().int().positive().max(kMaxCount);
const count = z.number().int().nonnegative().max(kMaxCount);
// The host part of `listen`: pasted into the config, so nothing but an address or a host name may pass. IPv6 is kept
// without brackets (the renderer adds them once); a dotted-number name is an IPv4 address or nothing.
const listenAddress = z
  .string()
  .refine(
    (value) => {
      const bracketed = /^\[(.*)\]$/.exec(value)?.[1];
      // A zone id (fe80::1%eth0) is an IP to node, not to nginx's listen.
      if (value.includes('%')) return false;
      if (bracketed !== undefined) return isIPv6(bracketed);
      return isIP(value) !== 0 || (!/^[\d.]+$/.test(value) && kHostname.test(value));
    },
    { error: 'expected an IP address or a host name (IPv6 with or without brackets), such as "127.0.0.1" or "::1"' },
  )
  .transform((value) => /^\[(.*)\]$/.exec(value)?.[1] ?? value);
const socketPath = z
  .string()
  .regex(/^\/[^\s"'{};\\]+$/, {
    error: 'expected an absolute path such as /run/hive/api.sock, without spaces, quotes, braces, ";" or "\\"',
  })
  .refine((value) => unixSocketPathOverLimit(value) === undefined, {
    error: `expected a Unix socket path of at most ${MAX_UNIX_SOCKET_PATH_BYTES} bytes (the Linux sun_path limit)`,
  });

// A trusted proxy for set_real_ip_from: an address or a CIDR range (no zone id: nginx takes none).
const cidr = z
  .string()
  .refine(
    (value) => {
      const [address = '', prefix, extra] = value.split('/');
      const family = address.includes('%') ? 0 : isIP(address);
      if (family === 0 || extra !== undefined) return false;
      if (prefix === undefined) return true;
      return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
    },
    // A malformed value gets this message alone, not the /0 one too.
    { error: 'expected an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8', abort: true },
  )
  // 0.0.0.0/0 or ::/0 trusts every client: anyone could name any address in X-Forwarded-For (past the rate limit and
  // hash:ip, into the logs) and claim https in X-Forwarded-Proto. Only the balancers' own ranges belong here.
  .refine((value) => !/\/0+$/.test(value), {
    error:
      "expected the load balancers' own addresses or ranges, not a /0 prefix: it trusts every client to set its " +
      'address (X-Forwarded-For, past the rate limit and hash:ip) and its scheme (X-Forwarded-Proto)',
  });

const kWeightError = `expected a weight from 1 to ${kMaxWeight}`;

export const upstreamSchema = z.strictObject({
  /** Port of the local cluster (`hive run`); proxied at `address`. */
  port: port.optional(),
  /** Address of the local cluster port. */
  address: z.string().min(1).default('127.0.0.1'),
  /**
   * Unix socket of the local cluster (`hive run --socket`), proxied as `unix:<path>`; with `port` too, the socket is
   * the local server (nginx runs on the same machine, and a Unix socket costs less CPU per request than loopback TCP).
   */
  socket: socketPath.optional(),
  /**
   * Other hosts running the app: `"10.0.0.5:3000,10.0.0.6:3000"` or an array. Each may carry nginx's `weight=<n>`
   * and `backup` after the address (`"10.0.0.5:3000 weight=3"`), or as keys of an object entry.
   */
  hosts: z
    .union(
      [
        z.string(),
        z.array(
          z.union(
            [
              z.string(),
              z.strictObject({
                host: z.string(),
                port,
                weight: z
                  .number({ error: kWeightError })
                  .int({ error: kWeightError })
                  .min(1, { error: kWeightError })
                  .max(kMaxWeight, { error: kWeightError })
                  .optional(),
                backup: z.boolean().optional(),
              }),
            ],
            { error: 'expected "host:port" or { host, port, weight?, backup? }' },
          ),
        ),
      ],
      {
        error:
          'expected a host list such as "10.0.0.5:3000,10.0.0.6:3000", or an array of "host:port" or { host, port }',
      },
    )
    .optional(),
  /**
   * round_robin (nginx's default), least_conn, hash:ip (the whole client address, consistent), ip_hash (nginx's: the
   * first three octets of IPv4), hash:cookie:<name>, hash:header:<name>.
   */
  balance: z
    .string()
    .refine(
      (value) =>
        ['round_robin', 'least_conn', 'ip_hash'].includes(value) ||
        (value.startsWith('hash:') && stickyModeProblem(value.slice('hash:'.length)) === undefined),
      { error: 'expected round_robin, least_conn, hash:ip, ip_hash, hash:cookie:<name> or hash:header:<name>' },
    )
    .optional(),
  /**
   * Idle keep-alive connections each nginx worker keeps per upstream block; 0 turns upstream keep-alive off.
   * Default 32, or 0 for a sticky app (see `finishSite` in options.ts).
   */
  keepalive: count.optional(),
  /**
   * Idle time after which nginx closes an upstream connection. The side that closes an idle connection must be
   * nginx: when the app closes one, a request nginx sends on it at that moment fails, and nginx sends a POST to no
   * other connection (a 502). So it stays below both times after which an app process closes an idle connection:
   * Node's server keep-alive timeout (5 s by default) and, while the process drains in a reload or stop, Hive's
   * `--drain-idle-grace` (1 s by default), with a margin for a busy event loop.
   */
  keepaliveTimeout: duration.default(`${DEFAULT_KEEPALIVE_TIMEOUT_MS}ms`),
  keepaliveRequests: positiveInt.default(1000),
  /**
   * The app serves HTTPS itself: nginx speaks TLS to it (`proxy_pass https://`). true, or an object: `ca`, a PEM file
   * of the certificates to trust, turns verification on (nginx's own default is off); `name` is the name sent as SNI
   * and verified, else the client's `$host`.
   */
  tls: z
    .union(
      [
        z.boolean(),
        z.strictObject({
          ca: path.optional(),
          // A name only: proxy_ssl_name takes variables, and SNI takes no IP address.
          name: z
            .string()
            .refine((value) => kHostname.test(value) && !/^[\d.]+$/.test(value), {
              error: 'expected a host name such as "app.internal" (no IP address, no port)',
            })
            .optional(),
        }),
      ],
      { error: 'expected true, false or { ca, name }' },
    )
    .default(false),
  /** Passive health: failures within failTimeout that take a server out for failTimeout. */
  maxFails: count.default(3),
  failTimeout: secondsDuration.default('10s'),
});

// The least max-age the HSTS preload list takes: one year.
const kPreloadMinMaxAge = 31536000;

// `preload` asks browsers' HSTS preload list (hstspreload.org) for the domain, which takes only a header with
// includeSubDomains and a max-age of a year or more, refuses a submission without them, and may drop a listed domain
// whose header stops meeting them: the token alone only looks like consent to a list the domain cannot be on.
function preloadRefinement(
  hsts: { maxAge: number; includeSubDomains: boolean; preload: boolean },
  context: z.RefinementCtx,
): void {
  if (!hsts.preload) return;
  const list = 'the HSTS preload list (hstspreload.org) refuses a preload header';
  if (!hsts.includeSubDomains) {
    context.addIssue({
      code: 'custom',
      path: ['includeSubDomains'],
      message: `expected true with preload: ${list} without includeSubDomains`,
    });
  }
  if (hsts.maxAge < kPreloadMinMaxAge) {
    context.addIssue({
      code: 'custom',
      path: ['maxAge'],
      message: `expected at least ${kPreloadMinMaxAge} (one year) with preload: ${list} with a shorter max-age`,
    });
  }
}

// The preload list also refuses a domain whose plain HTTP site answers rather than redirecting to HTTPS (on the same
// host, hstspreload.org's second requirement): `redirect: false` serves it.
function preloadRedirectRefinement(
  tls: { redirect: boolean; hsts: boolean | { preload: boolean } },
  context: z.RefinementCtx,
): void {
  if (tls.redirect || typeof tls.hsts === 'boolean' || !tls.hsts.preload) return;
  context.addIssue({
    code: 'custom',
    path: ['redirect'],
    message:
      'expected true with hsts.preload: the HSTS preload list (hstspreload.org) refuses a domain whose plain HTTP ' +
      'site does not redirect to HTTPS',
  });
}

const tlsObject = z.strictObject({
  cert: path,
  key: path,
  port: port.default(443),
  /** Answer plain HTTP with a 301 to HTTPS (the ACME challenge location stays on HTTP). */
  redirect: z.boolean().default(true),
  /**
   * Strict-Transport-Security on HTTPS responses: true is two years; `preload` needs `includeSubDomains` and a
   * `maxAge` of at least a year (31536000), and `redirect` on, as the HSTS preload list does.
   */
  hsts: z
    .union(
      [
        z.boolean(),
        z
          .strictObject({
            maxAge: z.number().int().nonnegative().default(63072000),
            includeSubDomains: z.boolean().default(false),
            preload: z.boolean().default(false),
          })
          .superRefine(preloadRefinement),
      ],
      { error: 'expected true, false or { maxAge, includeSubDomains, preload }' },
    )
    .default(false),
  http2: z.boolean().default(true),
});
const tlsSchema = tlsObject.superRefine(preloadRedirectRefinement);

/** One `server_name` as nginx takes it; `hive deploy compose --host` checks its value with this too. */
export const serverNameSchema = z.string().regex(kServerName, {
  error: 'expected a host name, "_", a wildcard as a whole first or last label (*.example.com) or a ~regex',
});

export const siteSchema = z.strictObject({
  app: z.string().regex(kAppName, { error: 'expected a name of letters, digits, "-" or "_", starting with a letter' }),
  serverName: z
    .union([z.string(), z.array(z.string())], { error: 'expected host names, as a string or an array' })
    .default('_')
    .transform((value) => (Array.isArray(value) ? value : value.split(/[\s,]+/).filter(Boolean)))
    .pipe(z.array(serverNameSchema).min(1)),
  listen: z
    .strictObject({
      /**
       * Address to listen on: IPv4, IPv6 (brackets optional) or a host name. When absent, `listen <port>`: every IPv4
       * address, no IPv6 one (nginx binds IPv6 only for an IPv6 address, such as `::`).
       */
      address: listenAddress.optional(),
      port: port.default(80),
      defaultServer: z.boolean().default(false),
      /**
       * Listen on every IPv6 address too (`listen [::]:<port>` beside each listen, same flags); only without
       * `address`. Off by default: nginx fails to start where IPv6 is disabled.
       */
      ipv6: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * The app's sticky setting (as `hive run --sticky`: `ip`, `header:<name>`, `cookie:<name>`, or true for ip): a
   * sticky app needs ip_hash or hash balancing, and gets the matching one by default.
   */
  sticky: z
    .union([z.boolean(), z.string().superRefine(stickyRefinement)], {
      error: 'expected true, false, ip, header:<name> or cookie:<name>',
    })
    .optional(),
  upstream: upstreamSchema.prefault({}),
  /** proxy_next_upstream: retries on another server, for idempotent requests only (nginx's rule). */
  retries: z
    .union(
      [
        z.literal(false),
        z.strictObject({
          tries: z.number().int().min(1).max(20).default(3),
          /** Retry budget since the first try; 0 is nginx's "no limit" (still capped at the read and send timeouts). */
          timeout: duration.default('10s'),
        }),
      ],
      { error: 'expected false or { tries, timeout }' },
    )
    .prefault({}),
  timeouts: z
    .strictObject({
      // Unset: 5s, or below the retry time limit when that is 5s or less (options.ts).
      connect: positiveDuration.optional(),
      send: positiveDuration.default('60s'),
      read: positiveDuration.default('60s'),
      // A WebSocket's read and send timeouts, its idle limit. Unset: 1h, or the read timeout where that is longer.
      websocket: positiveDuration.optional(),
    })
    .prefault({}),
  clientMaxBodySize: size.default('1m'),
  /**
   * Room for headers, in KiB once resolved, 16k by default: a response's status line and headers (proxy_buffer_size)
   * and each request line and header line (large_client_header_buffers 4 <size>, at least nginx's default 8k).
   */
  headerBufferSize: headerBufferSize.default(16),
  gzip: z.boolean().default(true),
  rateLimit: z
    .union(
      [
        z.literal(false),
        z.strictObject({
          rate,
          /** Requests over the rate let through at once; 0 (nginx's own default) leaves `burst=` and nodelay out. */
          burst: count.default(20),
          nodelay: z.boolean().default(true),
          status: z.number().int().min(400).max(599).default(429),
          /**
           * Retry-After on a limited request's answer (429 or 503 only), a duration in whole seconds: by default the
           * time the bucket takes to let one more request through (1 for any rate per second, 60/n for n requests a
           * minute).
           */
          retryAfter: secondsDuration
            .transform((value) => durationMs(value) / 1000)
            // 0 tells a client to retry at once, into the same limit: the opposite of what a 429 asks.
            .refine((seconds) => seconds >= 1, { error: 'expected at least 1 second (0 says "retry at once")' })
            .refine((seconds) => seconds <= kMaxCount, { error: `expected at most ${kMaxCount} seconds` })
            .optional(),
          zoneSize: zoneSize.default('10m'),
          /**
           * The error log level of a rejected request (limit_req_log_level): warn, where nginx's own default is
           * error. A client over its rate is no fault of the server, and each rejection is in the access log anyway
           * (its status); at nginx's default error_log level (error) the rejections stay out of the error log.
           */
          logLevel: z
            .enum(kLimitLogLevels, { error: `expected one of ${kLimitLogLevels.join(', ')} (limit_req_log_level)` })
            .default('warn'),
        }),
      ],
      {
        error:
          'expected false or { rate, burst, nodelay, status, retryAfter, zoneSize, logLevel } such as { rate: "10r/s" }',
      },
    )
    .default(false),
  /**
   * Requests in flight at once per client address (limit_conn): an open WebSocket or event stream is one for as long
   * as it stays open, an idle keep-alive connection none. Off by default.
   */
  connLimit: z
    .union(
      [
        z.literal(false),
        z.strictObject({
          max: positiveInt,
          status: z.number().int().min(400).max(599).default(429),
          zoneSize: zoneSize.default('10m'),
          /** The error log level of a rejected request (limit_conn_log_level), warn as the rate limit's. */
          logLevel: z
            .enum(kLimitLogLevels, { error: `expected one of ${kLimitLogLevels.join(', ')} (limit_conn_log_level)` })
            .default('warn'),
        }),
      ],
      { error: 'expected false or { max, status, zoneSize, logLevel } such as { max: 20 }' },
    )
    .default(false),
  tls: tlsSchema.optional(),
  /** Webroot for certbot's HTTP-01 challenge; on by default with TLS. */
  acme: z
    .union([z.literal(false), z.strictObject({ root: path.default('/var/www/certbot') })], {
      error: 'expected false or { root }',
    })
    .optional(),
  static: z
    .strictObject({
      // No "\": nginx would read "\n" or "\t" in the prefix as a newline or a tab. The final "/" keeps alias in the
      // directory: `location /static { alias /srv/public/; }` serves /static../x from /srv/public/../x.
      location: z
        .string()
        .regex(/^\/[^\s"'{};\\]*$/, {
          error:
            'expected a URI prefix such as "/static/": starting with "/", without spaces, quotes, braces, ";" or "\\"',
        })
        .refine((value) => value.endsWith('/'), {
          error:
            'expected a URI prefix that ends with "/", such as "/static/": without it, nginx\'s alias would serve ' +
            '"<prefix>../" from outside the directory',
        }),
      root: path,
      maxAge: secondsDuration.default('7d'),
    })
    .optional(),
  /**
   * Load balancers or proxies in front of nginx (addresses or CIDR ranges): from them, the client's address is taken
   * from X-Forwarded-For (set_real_ip_from, real_ip_recursive) and their X-Forwarded-Proto is passed on.
   */
  realIpFrom: z
    .union([z.string(), z.array(z.string())], { error: 'expected addresses or CIDR ranges, as a string or an array' })
    // Each entry is split as the string form is: `--real-ip-from "10.0.0.0/8,192.168.0.0/16"` is two ranges.
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((entry) => entry.split(/[\s,]+/)))
    .transform((ranges) => ranges.filter(Boolean))
    .pipe(z.array(cidr).min(1))
    .optional(),
  /**
   * Access log path, `syslog:server=...` (written unbuffered: nginx refuses a buffered syslog log), or false (or
   * "off", as nginx spells it) for none. Defaults to /var/log/nginx/<app>.access.log.
   */
  accessLog: z
    .union([z.literal(false), path], { error: 'expected a path, "off" or false' })
    .transform((value) => (value === 'off' ? false : value))
    .optional(),
});

export const mainSchema = z
  .strictObject({
    workerProcesses: z
      .union([z.literal('auto'), positiveInt], { error: 'expected "auto" or a whole number of 1 or more' })
      .default('auto'),
    /**
     * Connections each worker holds at once, clients' and upstreams' together: a proxied request or WebSocket takes
     * two. 4096 (nginx's own default is 512, Debian's 768): at 1024, 512 open WebSockets filled a worker.
     */
    workerConnections: positiveInt.default(4096),
    /** Only meaningful when nginx starts as root. */
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*( [a-z_][a-z0-9_-]*)?$/i, { error: 'expected a user name, or a user and a group name' })
      .optional(),
    pid: path.default('/run/nginx.pid'),
    errorLog: path.default('/var/log/nginx/error.log'),
    /**
     * The least severe level the error log takes (`error_log <file> <level>`); nginx's own default, error, when unset.
     */
    errorLogLevel: errorLogLevel.optional(),
    /** One directory for nginx's temp files (client bodies, proxy buffers); compiled-in paths when absent. */
    tempDir: path.optional(),
    mimeTypes: path.default('/etc/nginx/mime.types'),
  })
  .prefault({});

/** A whole config: main context and at least one app. */
export const configSchema = z.strictObject({ main: mainSchema, sites: z.array(siteSchema).min(1) });
