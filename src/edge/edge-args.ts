/**
 * Parses `hive edge nginx` arguments into edge options. Flag errors are usage errors (exit 2); option values are
 * checked afterwards by the schema, like any other input.
 */
import { resolve } from 'node:path';
import type { parseArgs } from 'node:util';
import { parseArgsWithNegatives } from '../negative-numbers.js';
import { parseArgsMessage } from '../parse-args-message.js';
import { repeatedFlag, repeatedFlagMessage } from '../repeated-flag.js';
import { EdgeOptionError } from './errors.js';
import { logPath } from './log-path.js';
import type { MainInput, SiteInput } from './options.js';

type MainOptions = NonNullable<MainInput>;
type RateLimitInput = Exclude<NonNullable<SiteInput['rateLimit']>, false>;
type TlsInput = Exclude<NonNullable<SiteInput['tls']>, false>;
type RateLimitRefinement = 'burst' | 'retry-after' | 'rate-limit-log-level';

// Flags that refine a TLS or rate limit set elsewhere: by --tls-cert/--tls-key or --rate-limit, or by the config file.
const kTlsRefinements = '--tls-port, --hsts, --no-redirect and --no-http2';
const kRateLimitRefinements = ['--burst', '--retry-after', '--rate-limit-log-level'] as const;

/**
 * Throws `ERR_HIVE_EDGE_INVALID_OPTION` when flags that refine the TLS or the rate limit (`--hsts`, `--burst`...) were
 * merged over a config file's app that has none to refine (`merged`: the file's site with the flags over it).
 */
export function checkRefinedBases(flags: Partial<SiteInput>, merged: SiteInput, file: string): void {
  const has = (value: unknown, key: string) => typeof value === 'object' && value !== null && key in value;
  if (flags.tls !== undefined && !has(merged.tls, 'cert')) {
    throw new EdgeOptionError(
      'tls',
      `${kTlsRefinements} need --tls-cert and --tls-key, or the app's edge.tls in ${file} (app "${merged.app}" has none)`,
    );
  }
  if (flags.rateLimit !== undefined && flags.rateLimit !== false && !has(merged.rateLimit, 'rate')) {
    throw new EdgeOptionError(
      'rateLimit',
      `--burst, --retry-after and --rate-limit-log-level need --rate-limit, or the app's edge.rateLimit in ${file} ` +
        `(app "${merged.app}" has none)`,
    );
  }
}

export const edgeUsage = `Usage: hive edge nginx [options]

Prints (or writes with --out) an nginx config for one app or every app of a config file.

Source of the apps:
      --config <file>          Hive config (JSON or JS module) with apps: [{ name, port, sticky, edge }]
      --app <name>             the app's name (with --config: pick one app); alone, the app the daemon runs
                               (HIVE_HOME): its port (where its processes listen, else its --port or PORT),
                               socket and sticky mode, each overridden by its flag

Upstream:
      --port <port>            the local cluster port (\`hive run --port\`)
      --address <addr>         address of the local cluster (default 127.0.0.1)
      --socket <path>          the local cluster's Unix socket (\`hive run --socket\`), used instead of --port
      --hosts <a:p,b:p>        other hosts running the app (each once; not the local cluster again, by any of
                               localhost, 127.0.0.1, [::1] or a wildcard, 0.0.0.0 or [::], which is reached at
                               127.0.0.1); localhost goes to nginx as 127.0.0.1: nginx makes a server of every
                               address a name resolves to; nginx's weight=<n> (1-1000) and backup may follow an
                               address: --hosts "10.0.0.5:3000 weight=3, 10.0.0.6:3000 backup"
      --balance <mode>         round_robin | least_conn | hash:ip | ip_hash | hash:cookie:<name> | hash:header:<name>
      --sticky <mode>          the app's sticky setting: ip | header:<name> | cookie:<name>
      --max-fails <n>          failed tries (connection errors, timeouts) within --fail-timeout that take a host
                               out for --fail-timeout (default 3; 0: never take a host out)
      --fail-timeout <time>    whole seconds, such as 10s, 1m or 1m30s (default 10s)
      --keepalive <n>          idle upstream connections kept per worker (default 32, 0 for a sticky app; 0: none)
      --keepalive-timeout <t>  idle time before nginx closes one (default 500ms; with --config, half an app's
                               shorter drainIdleGrace, none under 100ms): below the times after which the app
                               closes one, 1s while it drains in a reload (hive run's drain idle grace) and
                               Node's keep-alive timeout (5s)
      --retries <n|off>        tries of an idempotent request over the hosts (default 3); off (or 1): never retry
      --upstream-tls           the app serves HTTPS itself: nginx connects with TLS (proxy_pass https://) and,
                               as nginx does by default, does not verify the app's certificate (--app takes it
                               from the daemon when the app's server serves HTTPS)
      --upstream-ca <file>     verify the app's certificate against these CA certificates (PEM); implies
                               --upstream-tls
      --upstream-tls-name <n>  the name sent as SNI and verified (default: the first host name of
                               --server-name, else the client's host, unverified); implies --upstream-tls

Server:
      --listen <[addr:]port>   HTTP port (default 80), on every IPv4 address or only on addr (127.0.0.1:8080,
                               [::1]:8080)
      --ipv6                   listen on IPv6 too ([::]:port beside each port; nginx fails where IPv6 is off)
      --default-server         the default server of its HTTP port (it gets requests for names no server lists)
      --server-name <names>    comma-separated host names (default _)
      --tls-cert <file>        certificate (full chain) for TLS termination
      --tls-key <file>         private key
      --tls-port <port>        HTTPS port (default 443)
      --hsts                   send Strict-Transport-Security (2 years)
      --no-redirect            serve plain HTTP too instead of redirecting to HTTPS
      --no-http2               no HTTP/2 on the TLS port
      --acme-root <dir>        webroot for certbot's HTTP-01 challenge (default /var/www/certbot with TLS)
      --no-acme                no ACME challenge location (certificates not from certbot's webroot mode)
      --rate-limit <rate>      e.g. 10r/s, per client address; --burst <n> (default 20); answered 429 with
                               Retry-After: --retry-after <time> (default: one request's interval, at least 1);
                               each rejection logged at --rate-limit-log-level: info | notice | warn | error
                               (default warn, where nginx's is error; an error log at error leaves them out)
      --conn-limit <n>         requests in flight at once per client address (an open WebSocket or event
                               stream counts while open; idle keep-alive connections do not); answered 429
      --max-body <size>        client_max_body_size (default 1m)
      --header-buffer <size>   room for headers both ways, 4k to 1m (default 16k, Node.js's own limit): a
                               response's (nginx's default of one page, 4k, answers 502 past it) and each request
                               line and header line (large_client_header_buffers 4 <size>, at least nginx's 8k,
                               which answers 400 past it); also the size of both relay buffers of every open
                               WebSocket (2 x 16k each, 2 x 1m at --header-buffer 1m)
      --static <prefix=dir>    serve files, e.g. /static/=/srv/app/public
      --no-gzip                leave responses as the app sent them (default: gzip text types of 1k or more)
      --send-timeout <time>    proxy_send_timeout (default 60s)
      --read-timeout <time>    proxy_read_timeout, in nginx's syntax: 500ms, 30s, 1h30m, 1d (default 60s)
      --websocket-timeout <t>  a WebSocket's idle limit, its read and send timeouts (default 1h, or
                               --read-timeout where that is longer)
      --connect-timeout <time> proxy_connect_timeout (default 5s); below the retry time limit (the least of 10s
                               and the read timeout), so a host that never answers is retried on another
      --real-ip-from <cidr>    a load balancer in front of nginx (repeatable): the client's address is taken from
                               its X-Forwarded-For, and its X-Forwarded-Proto is passed on
      --access-log <file|off>  the app's access log (default /var/log/nginx/<app>.access.log); off for none, or
                               syslog:server=<addr>; with --config and several apps, every app's (over each
                               app's edge.accessLog; one file's lines do not say which app: warned)

nginx.conf (with --full; an nginx started by a user other than root needs paths that user may write; a config
file's edge.main too, left out with a warning without --full):
      --pid <file>             pid file (default /run/nginx.pid, systemd's PIDFile)
      --error-log <file>       error log: a file, stderr or syslog:server=<addr> (default /var/log/nginx/error.log)
      --error-log-level <l>    the least severe level it takes: debug | info | notice | warn | error | crit |
                               alert | emerg (default nginx's, error)
      --temp-dir <dir>         one directory for client bodies and proxy buffers (default nginx's compiled-in ones)
      --user <user [group]>    the workers' user and group ("nobody nogroup" on Debian), when nginx starts as root
      --worker-processes <n>   auto (default) or a count
      --worker-connections <n> connections per worker, clients' and upstreams' together (default 4096)
      --mime-types <file>      included in http (default /etc/nginx/mime.types)

Output:
      --full                   a whole nginx.conf instead of a file for /etc/nginx/conf.d/
      --out <file>             write to this file instead of stdout
      --check                  run nginx -t on the result first (nginx from PATH, or HIVE_NGINX)
  -h, --help                   this help`;

/** What the command does once the flags are understood. */
export interface EdgeArgs {
  help: boolean;
  target: string | undefined;
  config: string | undefined;
  app: string | undefined;
  full: boolean;
  check: boolean;
  out: string | undefined;
  /** Site options given on the command line, applied over the config file's (or alone). */
  site: Partial<SiteInput> & { upstream: NonNullable<SiteInput['upstream']> };
  /** Which flags touch one app's upstream (they need exactly one app). */
  perAppFlags: string[];
  /** nginx.conf main-context options given on the command line (`--full` only). */
  main: MainOptions;
}

/** Parses argv (after `edge`). Throws `EdgeOptionError` for unknown flags or malformed numbers. */
export function parseEdgeArgs(argv: string[]): EdgeArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (cause) {
    throw new EdgeOptionError('argv', parseArgsMessage(cause, 'edge', Object.keys(kOptions)), { cause });
  }
  const { values, positionals, tokens } = parsed;
  const repeated = repeatedFlag(tokens, kRepeatable);
  if (repeated !== undefined) throw new EdgeOptionError('argv', repeatedFlagMessage(repeated));
  if (positionals.length > 1) {
    throw new EdgeOptionError('argv', `unexpected argument ${JSON.stringify(positionals[1])}`);
  }
  const upstream: NonNullable<SiteInput['upstream']> = {};
  const site: EdgeArgs['site'] = { upstream };
  const perAppFlags: string[] = [];
  if (values.port !== undefined) upstream.port = integer('--port', values.port);
  if (values.address !== undefined) upstream.address = values.address;
  // Kept as typed, not resolved against this directory: it must name the path `hive run --socket` listens on, so the
  // schema asks for an absolute one.
  if (values.socket !== undefined) upstream.socket = values.socket;
  if (values.hosts !== undefined) upstream.hosts = values.hosts;
  if (values.balance !== undefined) upstream.balance = values.balance;
  if (values.sticky !== undefined) site.sticky = values.sticky;
  if (values['max-fails'] !== undefined) upstream.maxFails = integer('--max-fails', values['max-fails']);
  if (values['fail-timeout'] !== undefined) upstream.failTimeout = values['fail-timeout'];
  if (values.keepalive !== undefined) upstream.keepalive = integer('--keepalive', values.keepalive);
  if (values['keepalive-timeout'] !== undefined) upstream.keepaliveTimeout = values['keepalive-timeout'];
  if (values.retries !== undefined) {
    site.retries = values.retries === 'off' ? false : { tries: integer('--retries', values.retries) };
  }
  // Each flag turns TLS to the app on; the file's edge.upstream.tls, when it has one, keeps its other keys (mergeSites).
  const upstreamTls: { ca?: string; name?: string } = {};
  if (values['upstream-ca'] !== undefined) upstreamTls.ca = pathOf(values['upstream-ca']);
  if (values['upstream-tls-name'] !== undefined) upstreamTls.name = values['upstream-tls-name'];
  if (values['upstream-tls'] || Object.keys(upstreamTls).length > 0) upstream.tls = upstreamTls;
  for (const flag of ['port', 'socket', 'hosts', 'balance', 'sticky', 'upstream-tls', 'upstream-ca'] as const) {
    if (values[flag] !== undefined) perAppFlags.push(`--${flag}`);
  }
  if (values['upstream-tls-name'] !== undefined) perAppFlags.push('--upstream-tls-name');
  if (values.listen !== undefined) site.listen = listenFlag(values.listen);
  if (values.ipv6) site.listen = { ...site.listen, ipv6: true };
  if (values['default-server']) {
    site.listen = { ...site.listen, defaultServer: true };
    // One default server per port: every app of a file would be one.
    perAppFlags.push('--default-server');
  }
  if (values['server-name'] !== undefined) {
    site.serverName = values['server-name'];
    // Every app answering the same names on one port is refused later; say what to do instead.
    perAppFlags.push('--server-name');
  }
  const tls: Partial<TlsInput> = {};
  if (values['tls-port'] !== undefined) tls.port = integer('--tls-port', values['tls-port']);
  if (values.hsts) tls.hsts = true;
  if (values['no-redirect']) tls.redirect = false;
  if (values['no-http2']) tls.http2 = false;
  if (values['tls-cert'] !== undefined || values['tls-key'] !== undefined) {
    if (values['tls-cert'] === undefined || values['tls-key'] === undefined) {
      throw new EdgeOptionError('tls', '--tls-cert and --tls-key go together');
    }
    // Relative paths mean the caller's directory, not the directory nginx reads the config from.
    site.tls = { cert: pathOf(values['tls-cert']), key: pathOf(values['tls-key']), ...tls };
    perAppFlags.push('--tls-cert');
  } else if (Object.keys(tls).length > 0) {
    if (values.config === undefined)
      throw new EdgeOptionError('tls', `${kTlsRefinements} need --tls-cert and --tls-key`);
    // Over the file's edge.tls, key by key; checked once merged (checkRefinedBases), as an app may have none.
    site.tls = tls as TlsInput;
  }
  if (values['acme-root'] !== undefined && values['no-acme']) {
    throw new EdgeOptionError('acme', '--acme-root and --no-acme contradict each other: keep one');
  }
  if (values['acme-root'] !== undefined) site.acme = { root: pathOf(values['acme-root']) };
  if (values['no-acme']) site.acme = false;
  if (values['no-gzip']) site.gzip = false;
  const rateLimit: Partial<RateLimitInput> = {};
  if (values.burst !== undefined) rateLimit.burst = integer('--burst', values.burst);
  if (values['retry-after'] !== undefined) rateLimit.retryAfter = values['retry-after'];
  // Any text: the schema checks it, naming the flag (kFlags) and the levels.
  if (values['rate-limit-log-level'] !== undefined) {
    rateLimit.logLevel = values['rate-limit-log-level'] as RateLimitInput['logLevel'];
  }
  if (values['rate-limit'] !== undefined) {
    site.rateLimit = { rate: values['rate-limit'], ...rateLimit };
  } else if (Object.keys(rateLimit).length > 0) {
    const flag = kRateLimitRefinements.find((name) => values[name.slice(2) as RateLimitRefinement] !== undefined);
    if (values.config === undefined) throw new EdgeOptionError('rateLimit', `${flag} needs --rate-limit`);
    // Over the file's edge.rateLimit, as --hsts over its edge.tls.
    site.rateLimit = rateLimit as RateLimitInput;
  }
  // Over a file's edge.connLimit, its status and log level kept.
  if (values['conn-limit'] !== undefined) site.connLimit = { max: integer('--conn-limit', values['conn-limit']) };
  if (values['max-body'] !== undefined) site.clientMaxBodySize = values['max-body'];
  if (values['header-buffer'] !== undefined) site.headerBufferSize = values['header-buffer'];
  if (values['read-timeout'] !== undefined) site.timeouts = { read: values['read-timeout'] };
  if (values['send-timeout'] !== undefined) site.timeouts = { ...site.timeouts, send: values['send-timeout'] };
  if (values['connect-timeout'] !== undefined) site.timeouts = { ...site.timeouts, connect: values['connect-timeout'] };
  if (values['websocket-timeout'] !== undefined) {
    site.timeouts = { ...site.timeouts, websocket: values['websocket-timeout'] };
  }
  if (values['real-ip-from'] !== undefined) site.realIpFrom = values['real-ip-from'];
  // `off` and `syslog:...` are no paths; a file means the caller's directory, as every other path flag does.
  if (values['access-log'] !== undefined) site.accessLog = logPath(values['access-log'], process.cwd());
  const main = mainOptions(values);
  if (values.static !== undefined) {
    const eq = values.static.indexOf('=');
    if (eq <= 0) throw new EdgeOptionError('static', `--static: expected <prefix>=<dir>, got ${values.static}`);
    site.static = { location: values.static.slice(0, eq), root: pathOf(values.static.slice(eq + 1)) };
  }
  return {
    help: values.help === true,
    target: positionals[0],
    config: values.config,
    app: values.app,
    full: values.full === true,
    check: values.check === true,
    out: values.out,
    site,
    perAppFlags,
    main,
  };
}

// A path flag's value from the caller's directory. An empty one (`--static /s/=$UNSET`) is kept empty, for the schema
// to refuse naming the flag: resolved, it was the current directory (a project root served, with its `.env`).
function pathOf(value: string): string {
  return value === '' ? value : resolve(value);
}

// `--listen 8080` or `--listen 127.0.0.1:8080` / `[::1]:8080`: the address (listen.address) is checked by the schema.
function listenFlag(text: string): { port: number; address?: string } {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { port: integer('--listen', text) };
  const address = text.slice(0, colon);
  // `::1:8080` cannot say where the address ends: nginx's own listen syntax brackets it too.
  if (address.includes(':') && !/^\[.*\]$/.test(address)) {
    throw new EdgeOptionError(
      '--listen',
      `--listen: an IPv6 address goes in brackets, such as [::1]:8080, got ${text}`,
    );
  }
  return { address, port: integer('--listen', text.slice(colon + 1)) };
}

// The flags of the main context; they mean nothing in a conf.d file, whose nginx.conf sets them.
function mainOptions(values: ReturnType<typeof parse>['values']): MainOptions {
  const main: MainOptions = {};
  if (values.pid !== undefined) main.pid = pathOf(values.pid);
  if (values['error-log'] !== undefined) main.errorLog = logPath(values['error-log'], process.cwd());
  // Any text: the schema checks it, naming the flag (kMainFlags) and the levels.
  if (values['error-log-level'] !== undefined) {
    main.errorLogLevel = values['error-log-level'] as MainOptions['errorLogLevel'];
  }
  if (values['temp-dir'] !== undefined) main.tempDir = pathOf(values['temp-dir']);
  if (values['mime-types'] !== undefined) main.mimeTypes = pathOf(values['mime-types']);
  if (values.user !== undefined) main.user = values.user;
  const processes = values['worker-processes'];
  if (processes !== undefined) {
    main.workerProcesses = processes === 'auto' ? processes : integer('--worker-processes', processes);
  }
  if (values['worker-connections'] !== undefined) {
    main.workerConnections = integer('--worker-connections', values['worker-connections']);
  }
  const given = kMainFlags.filter(([key]) => key in main).map(([, flag]) => flag);
  if (given.length > 0 && values.full !== true) {
    throw new EdgeOptionError(
      'full',
      `${given.join(', ')} ${given.length === 1 ? 'sets' : 'set'} the main context of a whole nginx.conf: add --full ` +
        '(a conf.d file leaves it to the nginx.conf that includes it)',
    );
  }
  return main;
}

function parse(argv: string[]) {
  // A negative number is a value (`--burst -1`), so the schema can say what range the option takes.
  return parseArgsWithNegatives({
    args: argv,
    allowPositionals: true,
    strict: true,
    tokens: true,
    options: kOptions,
  });
}

// The flags meant to be given more than once.
const kRepeatable: ReadonlySet<string> = new Set(['real-ip-from']);

const kOptions = {
  config: { type: 'string' },
  app: { type: 'string' },
  port: { type: 'string' },
  address: { type: 'string' },
  socket: { type: 'string' },
  hosts: { type: 'string' },
  balance: { type: 'string' },
  sticky: { type: 'string' },
  'max-fails': { type: 'string' },
  'fail-timeout': { type: 'string' },
  keepalive: { type: 'string' },
  'keepalive-timeout': { type: 'string' },
  retries: { type: 'string' },
  'upstream-tls': { type: 'boolean' },
  'upstream-ca': { type: 'string' },
  'upstream-tls-name': { type: 'string' },
  'default-server': { type: 'boolean' },
  'no-http2': { type: 'boolean' },
  'no-acme': { type: 'boolean' },
  'no-gzip': { type: 'boolean' },
  'send-timeout': { type: 'string' },
  listen: { type: 'string' },
  ipv6: { type: 'boolean' },
  'server-name': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-port': { type: 'string' },
  hsts: { type: 'boolean' },
  'no-redirect': { type: 'boolean' },
  'acme-root': { type: 'string' },
  'rate-limit': { type: 'string' },
  burst: { type: 'string' },
  'retry-after': { type: 'string' },
  'rate-limit-log-level': { type: 'string' },
  'conn-limit': { type: 'string' },
  'max-body': { type: 'string' },
  'header-buffer': { type: 'string' },
  'read-timeout': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'websocket-timeout': { type: 'string' },
  'real-ip-from': { type: 'string', multiple: true },
  'access-log': { type: 'string' },
  pid: { type: 'string' },
  'error-log': { type: 'string' },
  'error-log-level': { type: 'string' },
  'temp-dir': { type: 'string' },
  user: { type: 'string' },
  'worker-processes': { type: 'string' },
  'worker-connections': { type: 'string' },
  'mime-types': { type: 'string' },
  static: { type: 'string' },
  full: { type: 'boolean' },
  check: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function integer(flag: string, text: string): number {
  // Out-of-range numbers pass through: the schema reports them with the option's name and range.
  if (!/^-?\d+$/.test(text))
    throw new EdgeOptionError(flag, `${flag}: expected an integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

// Option paths and the flags that set them, so errors from command-line input name the flag the user typed.
const kFlags: readonly (readonly [string, string])[] = [
  ['upstream.port', '--port'],
  ['upstream.address', '--address'],
  ['upstream.socket', '--socket'],
  ['upstream.hosts', '--hosts'],
  ['upstream.balance', '--balance'],
  ['sticky', '--sticky'],
  ['upstream.maxFails', '--max-fails'],
  ['upstream.failTimeout', '--fail-timeout'],
  ['upstream.keepaliveTimeout', '--keepalive-timeout'],
  ['upstream.keepalive', '--keepalive'],
  ['retries', '--retries'],
  ['upstream.tls.ca', '--upstream-ca'],
  ['upstream.tls.name', '--upstream-tls-name'],
  ['upstream.tls', '--upstream-tls'],
  ['listen.defaultServer', '--default-server'],
  ['timeouts.send', '--send-timeout'],
  ['listen.port', '--listen'],
  ['listen.address', '--listen'],
  ['listen.ipv6', '--ipv6'],
  ['serverName', '--server-name'],
  ['tls.cert', '--tls-cert'],
  ['tls.key', '--tls-key'],
  ['tls.port', '--tls-port'],
  ['acme.root', '--acme-root'],
  ['rateLimit.rate', '--rate-limit'],
  ['rateLimit.burst', '--burst'],
  ['rateLimit.retryAfter', '--retry-after'],
  ['rateLimit.logLevel', '--rate-limit-log-level'],
  ['connLimit', '--conn-limit'],
  ['clientMaxBodySize', '--max-body'],
  ['headerBufferSize', '--header-buffer'],
  ['timeouts.read', '--read-timeout'],
  ['timeouts.connect', '--connect-timeout'],
  ['timeouts.websocket', '--websocket-timeout'],
  ['realIpFrom', '--real-ip-from'],
  ['accessLog', '--access-log'],
  ['static', '--static'],
  ['app', '--app'],
];

// The main-context options (`main.<key>` in the library) and their flags.
const kMainFlags: readonly (readonly [keyof MainOptions, string])[] = [
  ['pid', '--pid'],
  ['errorLog', '--error-log'],
  ['errorLogLevel', '--error-log-level'],
  ['tempDir', '--temp-dir'],
  ['mimeTypes', '--mime-types'],
  ['user', '--user'],
  ['workerProcesses', '--worker-processes'],
  ['workerConnections', '--worker-connections'],
];

/**
 * Rewrites an error message about `main.<option>` to name its flag (`--pid (main.pid): ...`): the main context only
 * ever comes from flags.
 */
export function messageForMainFlags(message: string, key: string): string {
  const entry = kMainFlags.find(([option]) => key === `main.${option}`);
  return entry ? message.replace(key, `${entry[1]} (${key})`) : message;
}

/**
 * Rewrites an error message about `sites[i].<option>` to name the flag: `--hosts (upstream.hosts[1]): ...`; with
 * `app`, the site's app first (`app "api": --read-timeout (timeouts.read): ...`), as a config file's errors name it.
 */
export function messageForFlags(message: string, key: string, app?: string): string {
  const path = sitePath(key);
  const entry = path === undefined ? undefined : flagOf(path);
  if (entry === undefined) return message;
  return message.replace(key, `${app === undefined ? '' : `app ${JSON.stringify(app)}: `}${entry[1]} (${path})`);
}

/**
 * Whether the value an error's key (`sites[i].timeouts.read`) names came from a flag, not from the config file the
 * flags are merged over: then the error is the flag's to fix.
 */
export function setByFlag(site: EdgeArgs['site'], key: string): boolean {
  const path = sitePath(key);
  if (path === undefined || flagOf(path) === undefined) return false;
  let value: unknown = site;
  for (const part of path.replace(/\[\d+\]/g, '').split('.')) {
    if (typeof value !== 'object' || value === null || !(part in value)) return false;
    value = (value as Record<string, unknown>)[part];
  }
  return value !== undefined;
}

function sitePath(key: string): string | undefined {
  return /^sites\[\d+\]\.(.+)$/.exec(key)?.[1];
}

function flagOf(path: string): readonly [string, string] | undefined {
  return kFlags.find(([option]) => path === option || path.startsWith(`${option}[`) || path.startsWith(`${option}.`));
}
