/**
 * What `hive edge nginx` renders as asked but the user should hear about: settings that work in nginx and defeat
 * their purpose behind it. Said on stderr; the config is still written.
 */

import { isIPv4 } from 'node:net';
import { durationText } from '../cluster/option-checks.js';
import { DEFAULT_DRAIN_IDLE_GRACE_MS, DEFAULT_KEEPALIVE_TIMEOUT_MS } from './drain-keepalive.js';
import { formatHostPort, type HostPort, isLoopback, parseHostList } from './host-list.js';
import { parseNginxDuration } from './nginx-duration.js';
import type { MainInput, SiteInput } from './options.js';

/** What {@link edgeWarnings} knows besides the sites. */
export interface EdgeWarningContext {
  /** The access log came from `--access-log`, which sets every app's. */
  accessLogFlag?: boolean;
  /** Each app's `drainIdleGrace` in ms: a `--config` file's apps that set one, or the daemon's app of `--app`. */
  drainIdleGraces?: ReadonlyMap<string, number>;
}

/** The warnings for the sites about to be rendered; none when all is as it should be. */
export function edgeWarnings(
  sites: readonly SiteInput[],
  { accessLogFlag = false, drainIdleGraces = new Map() }: EdgeWarningContext = {},
): string[] {
  return [
    ...sites.flatMap((site) => (site.sticky === 'ip' || site.sticky === true ? [stickyIpWarning(site.app)] : [])),
    ...sharedAccessLogWarnings(sites, accessLogFlag),
    ...sites.flatMap((site) => keepaliveTimeoutWarning(site, drainIdleGraces.get(site.app))),
    ...sites.flatMap(stickyKeepaliveWarning),
    ...sites.flatMap(unverifiedUpstreamTlsWarning),
  ];
}

// TLS to the app unverified (nginx's default) is fine on this machine, where no one else is on the path; to another
// machine it is encrypted but not authenticated: anyone on the network between them can pose as the app.
function unverifiedUpstreamTlsWarning(site: SiteInput): string[] {
  const { tls, hosts, port, address = '127.0.0.1' } = site.upstream ?? {};
  if (tls === undefined || tls === false || (typeof tls === 'object' && tls.ca !== undefined)) return [];
  // Already checked by the schema (the config is rendered before the warnings).
  const servers = [
    ...(port === undefined ? [] : [{ host: address, port }]),
    ...(hosts === undefined ? [] : parseHostList(hosts)),
  ];
  const remote = servers.filter((host) => !onThisMachine(host));
  if (remote.length === 0) return [];
  return [
    `app ${JSON.stringify(site.app)}: TLS to ${remote.map(formatHostPort).join(', ')} does not verify the app's ` +
      "certificate (nginx's default): the traffic is encrypted, but anyone on the network path can pose as the app. " +
      "Give the CA certificate that signed the app's with --upstream-ca (upstream.tls.ca in a config's edge object)",
  ];
}

// 127.0.0.0/8 is loopback as a whole (an app may listen on 127.0.0.2), beside localhost, [::1] and the wildcards.
function onThisMachine(server: HostPort): boolean {
  return isLoopback(server) || (isIPv4(server.host) && server.host.startsWith('127.'));
}

// A sticky site keeps no upstream connection by default (options.ts): Hive's sticky router places each connection,
// not each request, so one kept alive carries every client nginx sends over it to the first one's process.
function stickyKeepaliveWarning(site: SiteInput): string[] {
  const keepalive = site.upstream?.keepalive;
  if (site.sticky === undefined || site.sticky === false || keepalive === undefined || keepalive === 0) return [];
  return [
    `app "${site.app}": upstream keepalive ${keepalive} with sticky: nginx sends many clients' requests over one kept ` +
      "connection, and Hive's sticky router keeps a connection on one process, so those clients share a process " +
      'whatever their key; a sticky site keeps none by default (keepalive 0)',
  ];
}

// nginx takes one file in several servers' access_log (one buffer for them all), but the lines carry no app name:
// which app served a line is lost. Syslog is left alone: one server for many sources is what it is for (and its
// `tag=` tells them apart).
function sharedAccessLogWarnings(sites: readonly SiteInput[], fromFlag: boolean): string[] {
  const byFile = new Map<string, string[]>();
  for (const site of sites) {
    const log = site.accessLog;
    if (typeof log !== 'string' || log === 'off' || log.startsWith('syslog:')) continue;
    byFile.set(log, [...(byFile.get(log) ?? []), site.app]);
  }
  const flagNote = fromFlag
    ? " (--access-log sets the log of every app of a --config, over each app's edge.accessLog)"
    : '';
  return [...byFile]
    .filter(([, apps]) => apps.length > 1)
    .map(
      ([file, apps]) =>
        `apps ${apps.map((app) => JSON.stringify(app)).join(', ')} write one access log, ${file}, whose lines do not ` +
        `say which app served them${flagNote}: give each app its own file with edge.accessLog in the config, or ` +
        'run once per app with --app <name> --access-log <file>',
    );
}

// nginx connects to the app from its own address, so the cluster's router (`hive run --sticky ip`), which pins by the
// peer address, sees one client and puts every connection on one process. nginx itself keeps a client on one host
// (`hash $remote_addr consistent`, rendered for `ip`); within the host, the cluster needs a key nginx forwards.
function stickyIpWarning(app: string): string {
  return (
    `app ${JSON.stringify(app)} is sticky by ip: behind nginx every connection comes from nginx's address, so a ` +
    '`hive run --sticky ip` cluster pins every client to one process. nginx keeps each client on one host (this ' +
    'config hashes $remote_addr consistent, as ip_hash would, for the whole address); run the cluster with ' +
    '`--sticky header:x-real-ip` (nginx sends the client address in X-Real-IP) or `--sticky cookie:<name>`, and give ' +
    'hive edge the same value'
  );
}

/**
 * A config file's `edge.main` (the main context: pid, error log, worker processes ...) is rendered only in a whole
 * nginx.conf (`--full`): a conf.d file leaves it to the nginx.conf that includes it. Said when the file sets any.
 */
export function mainWithoutFullWarning(file: string, main: MainInput): string[] {
  const keys = Object.entries(main ?? {}).flatMap(([key, value]) => (value === undefined ? [] : [key]));
  if (keys.length === 0) return [];
  return [
    `${file}: edge.main (${keys.join(', ')}) applies only with --full (a whole nginx.conf) and is left out of this ` +
      'conf.d file, whose nginx.conf sets the main context: add --full, or set these in that nginx.conf',
  ];
}

const defaultTimeout = `${DEFAULT_KEEPALIVE_TIMEOUT_MS}ms`;

// nginx must close an idle upstream connection before the app process does: a request nginx sends on one the process
// is closing fails, and a POST is never sent again (a 502). A draining process closes one after its drain idle grace:
// the app's `drainIdleGrace` with --config, else hive run's default (1 s), the most hive edge can know. Said for a
// timeout not below it, the grace named; the default timeout counts too where a grace was given (a keepalive count
// set with a grace too short for any timeout: siteDrainKeepalive leaves both as asked).
function keepaliveTimeoutWarning(site: SiteInput, drainIdleGraceMs: number | undefined): string[] {
  const upstream = site.upstream ?? {};
  const keepalive = upstream.keepalive ?? (site.sticky === undefined || site.sticky === false ? 32 : 0);
  const timeout = upstream.keepaliveTimeout ?? (drainIdleGraceMs === undefined ? undefined : defaultTimeout);
  if (keepalive === 0 || timeout === undefined) return [];
  const text = typeof timeout === 'number' ? `${timeout}s` : timeout;
  const ms = parseNginxDuration(text);
  const grace = drainIdleGraceMs ?? DEFAULT_DRAIN_IDLE_GRACE_MS;
  if (ms === undefined || ms < grace) return [];
  const closes = 'after which a draining app process closes an idle connection';
  const whose =
    drainIdleGraceMs === undefined
      ? `is not below 1s, ${closes} (hive run --drain-idle-grace, default 1s)`
      : `is not below ${durationText(grace)}, the app's drainIdleGrace (hive run --drain-idle-grace), ${closes}`;
  return [
    `app ${JSON.stringify(site.app)}: keepalive_timeout ${text} ${whose}: in a reload nginx may send a request on a ` +
      'connection the process is closing, and answers a POST that met it 502 (it never sends one again). Keep the ' +
      "timeout below the app's grace with a margin (hive edge's default: half the grace, 500ms at most), or run the " +
      'app with a grace above it',
  ];
}
