/**
 * The edge options, checked at the door so that no config is rendered (or file written) from bad input: the schema
 * (edge-schema.ts), then the rules across fields (hosts, sticky vs balance, TLS files). `resolveEdgeConfig` is the one
 * entry point; the renderers only ever see its output.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { describeValue } from '../errors.js';
import { meantKeyHint } from '../schema-keys.js';
import { configSchema, type mainSchema, type siteSchema, type upstreamSchema } from './edge-schema.js';
import {
  EdgeBalanceConflictError,
  EdgeHostError,
  EdgeNoUpstreamError,
  EdgeOptionError,
  EdgeTlsFileError,
} from './errors.js';
import { formatHostPort, type HostPort, loopbackNote, parseHostList, sameServerKey } from './host-list.js';
import { issueMessage } from './issue-message.js';
import { durationMs, leastRetryBudget } from './retry-budget.js';
import { checkSelfProxy } from './self-proxy.js';

export type SiteInput = z.input<typeof siteSchema>;
export type MainInput = z.input<typeof mainSchema>;

/** A whole nginx.conf: the main/events part and one or more apps. */
export interface EdgeConfigInput {
  main?: MainInput;
  sites: SiteInput[];
}

export type Balance = 'round_robin' | 'least_conn' | 'ip_hash' | 'hash:ip' | `hash:${'cookie' | 'header'}:${string}`;

/** The local cluster's Unix socket (`hive run --socket`), rendered as `server unix:<path>`. */
export interface UnixSocketServer {
  socket: string;
}

/** One server of an app's upstream block: a host and port, or the local cluster's Unix socket. */
export type UpstreamServer = HostPort | UnixSocketServer;

/**
 * TLS from nginx to the app: `ca` turns verification on; `name` is sent (SNI) and verified: the given one, else the
 * site's first plain server name, else (no verification) the client's $host.
 */
export interface UpstreamTls {
  ca?: string;
  name?: string;
}

/** A site with every default filled in and every check passed: what the renderer consumes. */
export type EdgeSite = Omit<z.output<typeof siteSchema>, 'upstream' | 'acme' | 'timeouts'> & {
  timeouts: z.output<typeof siteSchema>['timeouts'] & { connect: string; websocket: string };
  upstream: Omit<z.output<typeof upstreamSchema>, 'hosts' | 'balance' | 'keepalive' | 'tls'> & {
    servers: UpstreamServer[];
    balance: Balance;
    keepalive: number;
    /** TLS to the app (it serves HTTPS itself), or false for plain HTTP. */
    tls: UpstreamTls | false;
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

/**
 * Validates edge options and fills in defaults. Throws a typed `HiveError` (`ERR_HIVE_EDGE_*`) naming the first
 * offending key; nothing is rendered or written before this passes.
 */
export function resolveEdgeConfig(input: EdgeConfigInput, options: ResolveOptions = {}): EdgeConfig {
  const parsed = configSchema.safeParse(input, { error: issueMessage, reportInput: true });
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
  checkListenSockets(sites);
  checkServerNames(sites);
  checkSelfProxy(sites);
  return { main: parsed.data.main, sites };
}

/** The addresses a site listens on, as the socket checks key them: `*` (every IPv4 address), `::` (listen.ipv6). */
function listenAddresses(site: EdgeSite): string[] {
  if (site.listen.address !== undefined) return [socketAddress(site.listen.address)];
  return site.listen.ipv6 ? ['*', '::'] : ['*'];
}

// One spelling per socket nginx binds: `0.0.0.0` is the wildcard `*`, and an IPv6 address (`0::0`, `0:0::1`) in its
// canonical form (`::`, `::1`), else two spellings of one socket would pass the checks below as two sockets.
function socketAddress(address: string): string {
  if (address === '0.0.0.0') return '*';
  if (isIPv6(address)) return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  return address.toLowerCase();
}

function describeSocket(address: string, port: number): string {
  return address === '*' ? `port ${port}` : `${address} port ${port}`;
}

// Options nginx keeps per listening socket, not per server: one default_server per address:port (a second is an
// error), `ssl` switches every server on that address:port to TLS, a plain-HTTP app included, and `http2` on one
// server's listen turns HTTP/2 on for every server there. Refused rather than made consistent with a warning: an
// app that turned HTTP/2 off did so for a reason (a client or a proxy that mishandles it).
function checkListenSockets(sites: readonly EdgeSite[]): void {
  const sockets = new Map<
    string,
    { app: string; index: number; tls: boolean; http2: boolean | undefined; defaultServer: boolean }
  >();
  for (const [index, site] of sites.entries()) {
    if (site.listen.ipv6 && site.listen.address !== undefined) {
      const key = `sites[${index}].listen.ipv6`;
      throw new EdgeOptionError(
        key,
        `${key}: listen.address ${site.listen.address} names the one address to listen on, and listen.ipv6 adds ` +
          '[::] beside every IPv4 address: drop one of them',
      );
    }
    if (site.tls && site.tls.port === site.listen.port) {
      const key = `sites[${index}].tls.port`;
      const { port } = site.tls;
      // Each way out must be a port other than the taken one: HTTP on 443 is moved to 80, not TLS to 443 (its own).
      const [httpPort, tlsPort] = port === 443 ? [80, 8443] : [port === 80 ? 8080 : 80, 443];
      throw new EdgeOptionError(
        key,
        `${key}: port ${port} is both tls.port (HTTPS) and listen.port (plain HTTP), and nginx serves one port ` +
          `either with TLS or without: move plain HTTP (listen.port ${httpPort}) or TLS (tls.port ${tlsPort})`,
      );
    }
    const listens = [
      { port: site.listen.port, tls: false, key: 'listen.port' },
      ...(site.tls ? [{ port: site.tls.port, tls: true, key: 'tls.port' }] : []),
    ];
    const perAddress = listenAddresses(site).flatMap((address) => listens.map((listen) => ({ address, ...listen })));
    for (const { address, port, tls, key } of perAddress) {
      const where = describeSocket(address, port);
      const id = `${address} ${port}`;
      const defaultServer = !tls && site.listen.defaultServer;
      const http2 = tls ? site.tls?.http2 : undefined;
      const owner = sockets.get(id);
      if (owner === undefined) {
        sockets.set(id, { app: site.app, index, tls, http2, defaultServer });
        continue;
      }
      const apps = `app ${JSON.stringify(site.app)} and app ${JSON.stringify(owner.app)} (sites[${owner.index}])`;
      if (owner.tls !== tls) {
        const itemKey = `sites[${index}].${key}`;
        throw new EdgeOptionError(
          itemKey,
          `${itemKey}: ${apps} both listen on ${where}, one with TLS and one without, and nginx would use ` +
            'TLS for both: give them different ports',
        );
      }
      if (owner.http2 !== http2) {
        const itemKey = `sites[${index}].tls.http2`;
        const on = (value: boolean | undefined) => (value ? 'on' : 'off');
        throw new EdgeOptionError(
          itemKey,
          `${itemKey}: ${apps} both serve TLS on ${where}, with HTTP/2 ${on(http2)} and ${on(owner.http2)}, and ` +
            'nginx keeps http2 per port: it would speak HTTP/2 for both. Set the same tls.http2 on both, or give ' +
            'them different TLS ports',
        );
      }
      if (owner.defaultServer && defaultServer) {
        const itemKey = `sites[${index}].listen.defaultServer`;
        throw new EdgeOptionError(
          itemKey,
          `${itemKey}: ${apps} are both the default server on ${where}, which nginx refuses: keep ` +
            'listen.defaultServer on one of them',
        );
      }
      owner.defaultServer ||= defaultServer;
    }
  }
}

// nginx only warns ("conflicting server name ... ignored") when two servers on one address:port share a name, then
// sends every request for it to the first: the second app would be silently unreachable.
function checkServerNames(sites: readonly EdgeSite[]): void {
  const owners = new Map<string, { app: string; index: number }>();
  for (const [index, site] of sites.entries()) {
    const ports = new Set([site.listen.port, ...(site.tls ? [site.tls.port] : [])]);
    for (const [address, port] of listenAddresses(site).flatMap((a) => [...ports].map((p) => [a, p] as const))) {
      for (const name of site.serverName) {
        // nginx compares plain names case-insensitively; a regex is kept as written.
        const serverName = name.startsWith('~') ? name : name.toLowerCase();
        const id = `${address} ${port} ${serverName}`;
        const owner = owners.get(id);
        if (owner !== undefined && owner.index !== index) {
          const key = `sites[${index}].serverName`;
          const where = describeSocket(address, port);
          throw new EdgeOptionError(
            key,
            `${key}: app ${JSON.stringify(site.app)} and app ${JSON.stringify(owner.app)} (sites[${owner.index}]) ` +
              `both answer server name ${JSON.stringify(serverName)} on ${where}, and nginx would send every such ` +
              `request to ${JSON.stringify(owner.app)}: give each app its own serverName (edge.serverName in a ` +
              'Hive config file) or its own listen port',
          );
        }
        owners.set(id, owner ?? { app: site.app, index });
      }
    }
  }
}

/** Validates a single app and fills in defaults (the common case of `resolveEdgeConfig`). */
export function resolveEdgeSite(input: SiteInput, options: ResolveOptions = {}): EdgeSite {
  return resolveEdgeConfig({ sites: [input] }, options).sites[0]!;
}

/** The prefix certbot's HTTP-01 challenge is served under (see `acme`). */
export const kAcmeLocation = '/.well-known/acme-challenge/';

/** The app name as an nginx identifier (variables, zones and upstream names cannot hold "-"). */
export function nginxId(app: string): string {
  return app.toLowerCase().replaceAll('-', '_');
}

function finishSite(site: z.output<typeof siteSchema>, prefix: string, options: ResolveOptions): EdgeSite {
  const { hosts, balance: requested, tls: upstreamTlsInput, ...upstream } = site.upstream;
  const local =
    upstream.port === undefined
      ? undefined
      : parseHostList([{ host: upstream.address, port: upstream.port }], `${prefix}.upstream.address`)[0]!;
  // `hive run` refuses the pair: its sticky router sits on the port, and connections on the socket bypass it.
  if (upstream.socket !== undefined && isSticky(site.sticky)) {
    throw new EdgeOptionError(
      `${prefix}.upstream.socket`,
      `${prefix}.upstream.socket: app ${JSON.stringify(site.app)} is sticky, and \`hive run\` keeps a client on one ` +
        'process only on its port: proxy to upstream.port, or drop sticky',
    );
  }
  const servers: UpstreamServer[] = [];
  // nginx shares the machine with the local cluster, so its socket (when there is one) stands in for its port.
  if (upstream.socket !== undefined) servers.push({ socket: upstream.socket });
  else if (local !== undefined) servers.push(local);
  if (hosts !== undefined) {
    for (const server of parseHostList(hosts, `${prefix}.upstream.hosts`)) {
      // The local cluster again (over TCP beside its socket, or twice) would get double its share of the traffic.
      // Compared as parseHostList's own duplicate check does: names without case, IPv6 in one spelling, and
      // `localhost`, `127.0.0.1`, `[::1]` and the wildcards as one machine (`--port 3000 --hosts localhost:3000`,
      // `--address 0.0.0.0 --port 3000 --hosts 127.0.0.1:3000`).
      if (local !== undefined && sameServerKey(server) === sameServerKey(local)) {
        const [text, localText] = [formatHostPort(server), formatHostPort(local)];
        const note = loopbackNote(server, local);
        const spelling = text === localText ? '' : ` as ${localText}${note && ` (${note})`}`;
        throw new EdgeHostError(
          `${prefix}.upstream.hosts`,
          `${prefix}.upstream.hosts: ${text} repeats the local cluster port, already in the upstream${spelling}: ` +
            'nginx would send that server twice its share; leave it out of the hosts',
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
  checkBackupServers(site, servers, balance, prefix, local !== undefined || upstream.socket !== undefined);
  if (typeof site.sticky === 'string') checkHeaderName(site.sticky, `${prefix}.sticky`);
  checkHeaderName(balance.replace(/^hash:/, ''), `${prefix}.upstream.balance`);

  if (site.tls && options.checkFiles !== false) {
    for (const key of ['cert', 'key'] as const) {
      checkReadableFile(`${prefix}.tls.${key}`, resolve(options.baseDir ?? process.cwd(), site.tls[key]));
    }
  }
  const upstreamTls = finishUpstreamTls(site, upstreamTlsInput, prefix, options);
  const acme = site.acme ?? (site.tls ? { root: '/var/www/certbot' } : false);
  // Both would be `location ^~ /.well-known/acme-challenge/` in one server block, which nginx refuses as a duplicate.
  if (acme !== false && site.static?.location === kAcmeLocation) {
    throw new EdgeOptionError(
      `${prefix}.static.location`,
      `${prefix}.static.location: ${kAcmeLocation} is the ACME challenge location (acme.root ${acme.root}): ` +
        'serve the challenge files with acme.root, or set acme: false',
    );
  }
  // An open WebSocket is often idle for minutes (a chat, a dashboard): one ended after the read timeout of ordinary
  // requests (60s) makes its client reconnect, and raising that timeout for it would let a hung request wait as long.
  const websocket =
    site.timeouts.websocket ??
    (durationMs(site.timeouts.read) > durationMs(kWebSocketTimeout) ? site.timeouts.read : kWebSocketTimeout);
  const timeouts = {
    ...site.timeouts,
    websocket,
    connect: site.timeouts.connect ?? defaultConnectTimeout({ ...site, timeouts: { ...site.timeouts, websocket } }),
  };
  checkConnectTimeout({ ...site, timeouts }, prefix, site.timeouts.connect === undefined);
  // Hive's sticky router picks a process per connection, not per request: a kept-alive upstream connection would
  // carry many clients to the process chosen for the first one. A sticky app gets one connection per request.
  const keepalive = upstream.keepalive ?? (isSticky(site.sticky) ? 0 : 32);
  return { ...site, timeouts, upstream: { ...upstream, keepalive, servers, balance, tls: upstreamTls }, acme };
}

// `hive run --sticky header:` and `cookie:` read each connection's HTTP head on the port, which TLS to the app hides:
// the primary closes a connection that starts with a TLS handshake (sticky-router.ts), and nginx would answer 502 to
// every request. `ip` reads nothing and works.
function finishUpstreamTls(
  site: z.output<typeof siteSchema>,
  input: z.output<typeof upstreamSchema>['tls'],
  prefix: string,
  options: ResolveOptions,
): UpstreamTls | false {
  if (input === false) return false;
  const key = `${prefix}.upstream.tls`;
  if (typeof site.sticky === 'string' && site.sticky !== 'ip') {
    throw new EdgeOptionError(
      key,
      `${key}: app ${JSON.stringify(site.app)} is sticky by ${site.sticky}, and \`hive run --sticky ${site.sticky}\` ` +
        'reads the HTTP request head, which TLS to the app hides: its primary closes every such connection (nginx ' +
        'would answer 502). Let nginx terminate TLS and the app serve plain HTTP, or use sticky ip',
    );
  }
  const given = input === true ? {} : input;
  // One name for every connection: nginx keeps a connection alive per server, not per name, so one made for the
  // client host of its first request would carry every other client's too, verified for that first name only.
  const name =
    given.name ??
    site.serverName.find((entry) => /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(entry) && !/^[\d.]+$/.test(entry));
  if (given.ca !== undefined && name === undefined) {
    throw new EdgeOptionError(
      `${key}.name`,
      `${key}.name: app ${JSON.stringify(site.app)} verifies the app's certificate (upstream.tls.ca) and has no name to ` +
        'verify it for: give upstream.tls.name, the name its certificate carries, or a host name in serverName (not ' +
        '_, a wildcard or a regex)',
    );
  }
  const tls: UpstreamTls = { ...given, ...(name !== undefined && { name }) };
  // Checked as tls.cert is: against baseDir, and left as given (the CLI and a config file make it absolute).
  if (tls.ca !== undefined && options.checkFiles !== false) {
    checkReadableFile(`${key}.ca`, resolve(options.baseDir ?? process.cwd(), tls.ca));
  }
  return tls;
}

// A certificate, key or CA file nginx must read at its start: one it cannot read there stops nginx (`nginx -t` only
// says so if run). A directory passes access(2), so it is asked for as a file.
function checkReadableFile(key: string, file: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (cause) {
    throw new EdgeTlsFileError(key, file, { cause });
  }
  if (statSync(file).isDirectory()) throw new EdgeTlsFileError(key, file, { reason: 'a directory, not a file' });
}

/** A WebSocket's idle limit when `timeouts.websocket` is unset and the read timeout is shorter. */
const kWebSocketTimeout = '1h';

// nginx stops retrying once proxy_next_upstream_timeout has passed since the first try, and a connect timeout has
// used up at least proxy_connect_timeout: with a budget no longer than that (read: "5s", connect: "30s"), a host that
// never answers the connect (a machine that is off) is never retried on another, the case retries are for. A longer
// budget than the read timeout would retry a request the app is slow on, on every host (retry-budget.ts): the connect
// timeout must be below the budget, so it is refused rather than either rule silently broken.
function checkConnectTimeout(
  site: z.output<typeof siteSchema> & { timeouts: { connect: string; websocket: string } },
  prefix: string,
  derived: boolean,
): void {
  const { retries, timeouts } = site;
  if (retries === false || retries.tries === 1) return;
  const budget = leastRetryBudget(retries.timeout, timeouts);
  if (durationMs(timeouts.connect) < durationMs(budget)) return;
  // The connect timeout is the default, half the budget: a budget under 2ms leaves none below it (nginx counts whole
  // milliseconds, and 0 would time out every connect), so the option that made the budget that small is at fault.
  if (derived) throw budgetTooShortError(site, prefix, budget);
  const key = `${prefix}.timeouts.connect`;
  throw new EdgeOptionError(
    key,
    `${key}: ${timeouts.connect} is not less than the retry time limit, ${budget} (the least of timeouts.read, ` +
      "timeouts.send, timeouts.websocket, which bounds a WebSocket handshake's, and retries.timeout): nginx retries " +
      'nothing once that much time has passed since the first try, ' +
      'so a host that never answers the connect (a machine that is off) would not be retried on another; give a ' +
      'shorter connect timeout (such as "1s"), or set retries: false',
  );
}

function budgetTooShortError(
  site: z.output<typeof siteSchema> & { timeouts: { websocket: string } },
  prefix: string,
  budget: string,
): EdgeOptionError {
  const { retries, timeouts } = site;
  const least = durationMs(budget);
  // In leastRetryBudget's order; retries.timeout 0 is no limit and never the least.
  const candidates = [
    ['timeouts.read', timeouts.read],
    ['timeouts.send', timeouts.send],
    ['retries.timeout', retries === false ? '0' : retries.timeout],
    ['timeouts.websocket', timeouts.websocket],
  ] as const;
  const [option, value] = candidates.find(([, given]) => durationMs(given) === least) ?? candidates[0];
  const key = `${prefix}.${option}`;
  return new EdgeOptionError(
    key,
    `${key}: ${value} leaves no time to connect: it bounds the retry time limit (${budget}), and the connect timeout ` +
      'must be below that limit, so that a host that never answers the connect (a machine that is off) is retried on ' +
      `another, and nginx's shortest is 1ms: give ${option} at least 2ms (more in practice: it is how long the app ` +
      'may take), or set retries: false',
  );
}

// 5s (nginx's own default is 60s: a machine that is off would hold a request that long), or, where the retry time
// limit is 5s or less (a short read timeout), half of it: the rule above holds without the user's having to know it.
function defaultConnectTimeout(site: z.output<typeof siteSchema> & { timeouts: { websocket: string } }): string {
  const { retries, timeouts } = site;
  if (retries === false || retries.tries === 1) return '5s';
  const budget = durationMs(leastRetryBudget(retries.timeout, timeouts));
  return budget > 5_000 ? '5s' : `${Math.max(1, Math.floor(budget / 2))}ms`;
}

// nginx refuses `backup` beside hash and ip_hash balancing (a hash picks its one server for a key; there is no "the
// others are down" to fall back from), and an upstream of backups only ("no servers in upstream"): both refused here,
// where nginx -t would be the first to say so, or nothing would where no one runs it.
function checkBackupServers(
  site: z.output<typeof siteSchema>,
  servers: readonly UpstreamServer[],
  balance: Balance,
  prefix: string,
  hasLocal: boolean,
): void {
  const first = servers.findIndex((server) => 'backup' in server && server.backup);
  if (first === -1) return;
  const key = `${prefix}.upstream.hosts[${first - (hasLocal ? 1 : 0)}]`;
  const text = formatHostPort(servers[first] as HostPort);
  if (balance === 'ip_hash' || balance.startsWith('hash:')) {
    const why = isSticky(site.sticky) ? ` (sticky ${String(site.sticky)} hashes by default)` : '';
    throw new EdgeBalanceConflictError(
      key,
      site.app,
      balance,
      `${key}: app ${JSON.stringify(site.app)}: ${text} is a backup server, and its upstream balances by ` +
        `${balance}${why}, which nginx refuses a backup server with: a hash sends each client to its one server. ` +
        'Drop backup, or balance with round_robin or least_conn (not for a sticky app)',
    );
  }
  if (servers.every((server) => 'backup' in server && server.backup)) {
    throw new EdgeOptionError(
      key,
      `${key}: app ${JSON.stringify(site.app)}: every server of its upstream is a backup, and nginx needs at least one ` +
        'other to send requests to: drop backup from one of them',
    );
  }
}

// nginx drops a request header whose name holds anything but letters, digits and "-" (ignore_invalid_headers), "_"
// included (underscores_in_headers is off by default): `hash $http_x_client` would hash an empty key for everyone, and
// the cluster behind would never see the header. Refused rather than switched on with `underscores_in_headers on`:
// nginx reads that from the default server of the address and port only, so in this site's block it may do nothing.
function checkHeaderName(key: string, option: string): void {
  if (!key.startsWith('header:')) return;
  const name = key.slice('header:'.length);
  const bad = [...name].find((char) => !/[A-Za-z0-9-]/.test(char));
  if (bad === undefined) return;
  throw new EdgeOptionError(
    option,
    `${option}: the header name ${JSON.stringify(name)} holds ${JSON.stringify(bad)}, and nginx drops such headers ` +
      '(ignore_invalid_headers; underscores_in_headers is off by default), so every client would hash alike and ' +
      `the app would never see it: name the header with letters, digits and "-" only (such as ${JSON.stringify(name.replace(/[^A-Za-z0-9-]/g, '-'))})`,
  );
}

function isSticky(sticky: boolean | string | undefined): boolean {
  return sticky !== undefined && sticky !== false;
}

// Each host keeps a client on one process by the same key, so nginx picks the host by that key too. The client
// address is hashed whole and consistently (hash:ip), not by ip_hash: that one keys an IPv4 client on its first three
// octets (a /24 behind one NAT range lands on one host) and remaps most clients when the server list changes.
function defaultBalance(sticky: boolean | string | undefined): Balance {
  if (sticky === undefined || sticky === false) return 'round_robin';
  if (sticky === true || sticky === 'ip') return 'hash:ip';
  // Behind nginx the cluster keys on the client address nginx forwards; at nginx that address is $remote_addr.
  const key = sticky.toLowerCase();
  if (key === 'header:x-real-ip' || key === 'header:x-forwarded-for') return 'hash:ip';
  return `hash:${sticky}` as Balance;
}

function toOptionError(error: z.ZodError, input: unknown): EdgeOptionError {
  const issue = branchIssue(error.issues[0]!);
  const segments = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  const key = formatPath(segments);
  if (issue.code === 'unrecognized_keys') {
    const hint = meantKeyHint(configSchema, issue.path, issue.keys[0] ?? '');
    return new EdgeOptionError(key, `${key}: unknown option${hint}`, { cause: error });
  }
  // Where the schema split a list given as one string (`--server-name "a.test,bad;x"`), the input has no entry at the
  // path: the issue's own input is the entry. A custom issue's object input is the object its check was on (a refine
  // of a whole site naming one of its keys), not the key's value.
  const own = issue.code === 'custom' && typeof issue.input === 'object' ? undefined : issue.input;
  const value = valueAt(input, issue.path) ?? own;
  const got = value === undefined ? 'nothing' : describeValue(value);
  const message = issue.message.replace(/^Invalid input: /, '');
  return new EdgeOptionError(key, `${key}: ${message}, got ${got}`, { cause: error });
}

/**
 * The issue inside the one branch of a union that took the value's type: `{ rate, retryAfter: 'abc' }` for rateLimit
 * (false or an object) fails in the object's `retryAfter`, which is the key to name, not `rateLimit` as a whole.
 */
function branchIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const typed = issue.errors.filter(
    (branch) =>
      !branch.some((inner) => inner.path.length === 0 && ['invalid_type', 'invalid_value'].includes(inner.code)),
  );
  const inner = typed.length === 1 ? typed[0]![0] : undefined;
  return inner === undefined ? issue : branchIssue({ ...inner, path: [...issue.path, ...inner.path] });
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
