/**
 * `hive edge nginx --app <name>` without `--config`: the app's site from what the daemon says of it (its port or
 * socket and its sticky mode), with the flags over it. Reading the daemon is the CLI's (cli/daemon-app.ts); this
 * module only decides.
 */
import { servedPort } from '../cluster/served-port.js';
import { EdgeAppHttp2Error, EdgeAppPortError } from './errors.js';
import { formatHostPort, reachedAt } from './host-list.js';
import type { SiteInput } from './options.js';

/** One app as the daemon describes it. */
export interface DaemonApp {
  name: string;
  status: string;
  /**
   * The port it was given: the cluster's `--port`, else the PORT of its own env (`--env`, a config's `env`), or with
   * `increment_var` PORT; null without one.
   */
  port: number | null;
  /**
   * The PORT of the environment it inherited (the shell's of `hive start`) when none is given: only preferred, the app
   * may listen elsewhere. Null when a port is given, or there is none.
   */
  inheritedPort: number | null;
  /**
   * How many ports from `port` on the app serves: its instance count with PM2's `increment_var` PORT (instance i
   * listens on port + i), else 1.
   */
  instances: number;
  /** The cluster's `--socket`; null without one. */
  socket: string | null;
  /** The cluster's `--sticky` mode; null when not sticky. */
  sticky: string | null;
  /**
   * The TCP ports its processes listen on now, Hive's metrics port and any port that may be a Node.js inspector's
   * left out; undefined where none can tell.
   */
  listening: number[] | undefined;
  /**
   * Where its processes' app servers listen, as Hive's runtime in each reported it (address as the app gave it); empty
   * for a fork-mode app, one on a Unix socket, or one not ready yet. `kind`: the protocol the server speaks (the
   * runtime's `ServerKind`), absent from an older runtime, primary or daemon.
   */
  listens: { address: string; port: number; kind?: string }[];
  /**
   * How long its draining processes let a kept-alive connection sit idle before closing it (`--drain-idle-grace`), in
   * ms; null in fork mode, or from a daemon of an older build (hive run's default then).
   */
  drainIdleGrace?: number | null;
}

/** The flags' site (edge-args.ts), sticky and upstream optional. */
export type FlagSite = Partial<SiteInput> & { upstream: NonNullable<SiteInput['upstream']> };

/**
 * The app's site: each flag wins over the daemon's value (`--sticky`, `--port`, `--socket`); the port is the given
 * one (one per instance with `increment_var` PORT), else the one port the app's processes listen on, else (none
 * listened on) an inherited PORT, which `warn` says. Throws {@link EdgeAppPortError} when no upstream is left, or
 * when the port cannot be told.
 */
export function daemonAppSite(app: DaemonApp, flags: FlagSite, warn: (message: string) => void = () => {}): SiteInput {
  const sticky = flags.sticky !== undefined ? flags.sticky : (app.sticky ?? undefined);
  const upstream = { ...flags.upstream };
  // Kept apart from upstream.address, which becomes the first instance's host: each other instance has its own.
  const flagAddress = flags.upstream.address;
  if (upstream.port === undefined && upstream.socket === undefined) {
    // `hive run` keeps a client on one process only on its port (its sticky router sits there), so a sticky app is
    // proxied to its port even when it has a socket too; otherwise the socket, as `--config` reads an app's.
    if (app.socket !== null && (sticky === undefined || sticky === false)) upstream.socket = app.socket;
    else {
      const port = appPort(app, warn);
      if (port !== undefined) {
        upstream.port = port;
        // `--address` wins; else where the app's server listens (HOST=127.0.0.2 in its env), else nginx's default.
        upstream.address = flagAddress ?? listenHost(app, port);
        if (app.port !== null && app.instances > 1)
          upstream.hosts = [...instanceHosts(app, flagAddress), ...hostList(upstream.hosts)];
      }
      // `--hosts` alone is a site too: the app's other hosts, no local upstream.
      else if (upstream.hosts === undefined) throw new EdgeAppPortError(app.name, noPortReason(app));
    }
  }
  if (upstream.socket === undefined) {
    const kinds = proxiedKinds(app, upstream, sticky !== undefined && sticky !== false);
    checkHttp1(app, kinds);
    upstreamTlsOf(app, upstream, kinds, sticky, flags.upstream.tls !== undefined, warn);
  }
  return { ...flags, app: app.name, upstream, ...(sticky === undefined ? {} : { sticky }) };
}

/** A known listen on a port the site proxies to, with the port nginx connects to for it. */
interface ProxiedKind {
  port: number;
  kind: string;
}

// The listens of a known kind the site proxies to on this machine: those on its port (and the increment_var
// instances' after it). A sticky app's server listens on a private port behind the router on its port, so there every
// listen of it counts, as seen on the router's port. A listen of no kind (an older runtime, primary or daemon) is left
// out: not checked.
function proxiedKinds(app: DaemonApp, upstream: FlagSite['upstream'], sticky: boolean): ProxiedKind[] {
  if (upstream.port === undefined) return [];
  const ports = new Set([upstream.port]);
  if (app.port !== null && upstream.port === app.port) {
    for (let i = 1; i < app.instances; i++) ports.add(app.port + i);
  }
  const behindRouter = sticky && upstream.port === app.port;
  return app.listens.flatMap(({ port, kind }) =>
    kind !== undefined && (behindRouter || ports.has(port))
      ? [{ port: behindRouter ? upstream.port! : port, kind }]
      : [],
  );
}

// nginx proxies HTTP/1.x only: an upstream the app serves HTTP/2 alone on (h2c, or h2 over TLS without allowHTTP1)
// fails every request (garbage, or node's 403), so it is refused rather than written.
function checkHttp1(app: DaemonApp, kinds: ProxiedKind[]): void {
  const http2 = kinds.find((l) => l.kind === 'h2c' || l.kind === 'h2');
  if (http2 !== undefined) throw new EdgeAppHttp2Error(app.name, http2.port, http2.kind === 'h2');
}

// nginx speaks plain HTTP to an upstream unless told TLS: to an app that serves HTTPS (node:https, or a secure HTTP/2
// server with allowHTTP1) every request would be a 502, as would TLS to one serving plain HTTP. With no upstream TLS
// flag, an app whose every known proxied listen is HTTPS gets it, as --upstream-tls gives it (no CA: unverified), and
// `warn` says so. A sticky app by header or cookie cannot: its router reads the request head, which TLS hides
// (options.ts refuses the pair), so that is said instead. A flag given over a listen known as plain HTTP is only
// warned of, not refused: the user asked for it, and with --hosts it also covers other machines the daemon knows
// nothing of.
function upstreamTlsOf(
  app: DaemonApp,
  upstream: FlagSite['upstream'],
  kinds: ProxiedKind[],
  sticky: FlagSite['sticky'],
  flagged: boolean,
  warn: (message: string) => void,
): void {
  const quoted = JSON.stringify(app.name);
  if (flagged) {
    const plain = kinds.find((l) => l.kind === 'http');
    if (plain !== undefined) {
      warn(
        `app ${quoted}: its server on port ${plain.port} serves plain HTTP (http.createServer()), and --upstream-tls ` +
          'has nginx connect to it with TLS: every request would fail (502). Drop --upstream-tls, or serve HTTPS there',
      );
    }
    return;
  }
  if (kinds.length === 0 || !kinds.every((l) => l.kind === 'https' || l.kind === 'h2-http1')) return;
  const port = kinds[0]!.port;
  if (typeof sticky === 'string' && sticky !== 'ip') {
    warn(
      `app ${quoted}: its server on port ${port} serves HTTPS, and it is sticky by ${sticky}: \`hive run --sticky ` +
        `${sticky}\` reads the HTTP request head, which TLS hides (its router closes every TLS connection), so the ` +
        'upstream stays plain HTTP and every request would fail (502). Serve plain HTTP and let nginx end TLS (--tls-cert), ' +
        'or use sticky ip with --upstream-tls',
    );
    return;
  }
  upstream.tls = {};
  warn(
    `app ${quoted}: its server on port ${port} serves HTTPS: nginx connects to it with TLS (as --upstream-tls), not ` +
      'verifying its certificate: give --upstream-ca (and --upstream-tls-name, the name it carries, without a host name in --server-name) to verify it',
  );
}

// The given port always wins, listened on yet or not: another port a process listens on may be anything, even its
// inspector. Without one, where the app's servers listen: as the runtime in each ready worker reported it, else the
// single port left after leaving out the inspector's and the metrics port. An inherited PORT is only the app's when
// it listens there, or when nothing is known to listen at all (stopped, starting), and then with a warning: the app
// may well listen on a port of its own beside it (cluster/app-port.ts).
function appPort(app: DaemonApp, warn: (message: string) => void): number | undefined {
  const listened = app.listens.length > 0 ? app.listens.map((l) => l.port) : (app.listening ?? []);
  const served = servedPort({ given: app.port, inherited: app.inheritedPort, listened });
  if (served === undefined && listened.length > 1) {
    const beside = app.inheritedPort === null ? '' : ` (not on the PORT ${app.inheritedPort} it inherited)`;
    throw new EdgeAppPortError(
      app.name,
      `it was started without --port or PORT of its own, its processes listen on ports ${[...new Set(listened)].join(', ')}${beside} and Hive cannot tell which one serves it`,
    );
  }
  if (served?.source === 'inherited') {
    warn(
      `app ${JSON.stringify(app.name)}: PORT ${served.port} is only inherited from the environment it was started in ` +
        `(not --port or its env), and ${notListening(app)}: the upstream takes port ${served.port}; where the app ` +
        'listens on a port of its own, pass --port',
    );
  }
  return served?.port;
}

function notListening(app: DaemonApp): string {
  return app.listening === undefined
    ? 'this system cannot tell what its processes listen on'
    : `its processes listen on no TCP port of its own (status ${app.status})`;
}

// PM2's increment_var PORT: instance i listens on port + i, so the instances after the first are servers of their own.
// `--address` (flagAddress) wins for all of them; else each port's own listen address.
function instanceHosts(app: DaemonApp, flagAddress: string | undefined): string[] {
  return Array.from({ length: app.instances - 1 }, (_, i) => {
    const port = app.port! + i + 1;
    return formatHostPort({ host: flagAddress ?? listenHost(app, port) ?? '127.0.0.1', port });
  });
}

/**
 * The address nginx on this machine reaches the app's server on `port` at: the one it listens on, the wildcards as
 * 127.0.0.1 ({@link reachedAt}). Undefined when no process reported a listen on that port.
 */
export function listenHost(app: Pick<DaemonApp, 'listens'>, port: number): string | undefined {
  const listen = app.listens.find((l) => l.port === port);
  if (listen === undefined) return undefined;
  const address = listen.address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return reachedAt(address);
}

function hostList(hosts: FlagSite['upstream']['hosts']): (string | { host: string; port: number })[] {
  if (hosts === undefined) return [];
  return typeof hosts === 'string' ? hosts.split(',').filter((host) => host.trim() !== '') : hosts;
}

function noPortReason(app: DaemonApp): string {
  const listening =
    app.listening === undefined
      ? 'this system cannot tell what its processes listen on'
      : `its processes listen on no TCP port of its own (an inspector's and Hive's metrics port left out; status ${app.status})`;
  return `it was started without --port or PORT, and ${listening}`;
}
