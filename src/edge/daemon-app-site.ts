/**
 * `hive edge nginx --app <name>` without `--config`: the app's site from what the daemon says of it (its port or
 * socket and its sticky mode), with the flags over it. Reading the daemon is the CLI's (cli/daemon-app.ts); this
 * module only decides.
 */
import { EdgeAppPortError } from './errors.js';
import type { SiteInput } from './options.js';

/** One app as the daemon describes it. */
export interface DaemonApp {
  name: string;
  status: string;
  /** Its configured port: the cluster's `--port`, else the PORT of its environment; null without one. */
  port: number | null;
  /** The cluster's `--socket`; null without one. */
  socket: string | null;
  /** The cluster's `--sticky` mode; null when not sticky. */
  sticky: string | null;
  /** The TCP ports its processes listen on now (Hive's own metrics port left out); undefined where none can tell. */
  listening: number[] | undefined;
}

/** The flags' site (edge-args.ts), sticky and upstream optional. */
export type FlagSite = Partial<SiteInput> & { upstream: NonNullable<SiteInput['upstream']> };

/**
 * The app's site: each flag wins over the daemon's value (`--sticky`, `--port`, `--socket`); the port is where the
 * app's processes listen, else the configured one. Throws {@link EdgeAppPortError} when no upstream is left.
 */
export function daemonAppSite(app: DaemonApp, flags: FlagSite): SiteInput {
  const sticky = flags.sticky !== undefined ? flags.sticky : (app.sticky ?? undefined);
  const upstream = { ...flags.upstream };
  if (upstream.port === undefined && upstream.socket === undefined) {
    // `hive run` keeps a client on one process only on its port (its sticky router sits there), so a sticky app is
    // proxied to its port even when it has a socket too; otherwise the socket, as `--config` reads an app's.
    if (app.socket !== null && (sticky === undefined || sticky === false)) upstream.socket = app.socket;
    else {
      const port = appPort(app);
      if (port !== undefined) upstream.port = port;
      // `--hosts` alone is a site too: the app's other hosts, no local upstream.
      else if (upstream.hosts === undefined) throw new EdgeAppPortError(app.name, noPortReason(app));
    }
  }
  return { ...flags, app: app.name, upstream, ...(sticky === undefined ? {} : { sticky }) };
}

// One port listened on is the app's, whatever it was given (an app may ignore PORT). Among several, the configured one.
function appPort(app: DaemonApp): number | undefined {
  const listening = app.listening ?? [];
  if (listening.length === 1) return listening[0];
  if (listening.length > 1) {
    if (app.port !== null && listening.includes(app.port)) return app.port;
    throw new EdgeAppPortError(
      app.name,
      `its processes listen on ports ${listening.join(', ')}${app.port === null ? '' : ` (none of them its port ${app.port})`} and Hive cannot tell which one serves it`,
    );
  }
  return app.port ?? undefined;
}

function noPortReason(app: DaemonApp): string {
  const listening =
    app.listening === undefined
      ? 'this system cannot tell what its processes listen on'
      : `its processes listen on no TCP port (status ${app.status})`;
  return `it was started without --port or PORT, and ${listening}`;
}
