import { ENV } from '../runtime/protocol.js';
import { knownPort } from './known-port.js';

/** Where a process's PORT came from, as far as Hive can tell (see {@link appPortOf}). */
export interface AppPortSource {
  /** `--port` (options.port), which the primary sets as PORT itself. */
  port: number | undefined;
  /** The app's own environment (`--env PORT=`, options.env): given. */
  env: Record<string, string | undefined> | undefined;
  /** A variable of the environment the process is forked in, as cluster.fork() lays it over the primary's own. */
  read(name: string): string | undefined;
  /**
   * HIVE_GIVEN_PORT as the daemon set it for this primary (or in a reload's new environment): a daemon app's env PORT.
   */
  daemonGiven: string | undefined;
}

/**
 * The port a process is told to serve on (its PORT), and whether Hive was given it: `--port`, the app's env
 * (`--env PORT=`, options.env, a config file's `env` through the daemon), `increment_var` PORT (the primary computes
 * the value), or a daemon app's env (HIVE_GIVEN_PORT, set by the daemon for its primary). A PORT that is merely in the
 * environment Hive inherited (a shell's `export PORT=8080`) is not given: the app may well listen elsewhere.
 * Undefined when the process has no PORT Hive knows (none, 0, not a port number).
 */
export function appPortOf(source: AppPortSource): { port: number; given: boolean } | undefined {
  const port = knownPort(source.read('PORT'));
  if (port === undefined) return undefined;
  const given =
    source.port !== undefined ||
    (source.env !== undefined && Object.hasOwn(source.env, 'PORT')) ||
    source.read(ENV.incrementVar) === 'PORT' ||
    knownPort(source.daemonGiven) === port;
  return { port, given };
}

/**
 * A process's view of its app's port, for its ready wait: a listen on it is the app's server's. A given port is
 * enforced (a process that never listens there fails as not ready). An inherited one is preferred: a process that
 * listens there is ready then, as with a given one, but one that listens only elsewhere is ready on that listen once
 * listenTimeout has passed waiting for the port (see {@link AppPortRule}).
 */
export interface AppPort {
  readonly port: number;
  readonly given: boolean;
  /** Whether a server listening on `listened` (null: a Unix socket) is the app's. */
  counts(listened: number | null): boolean;
  /**
   * At listenTimeout, for a process that listened on `listened` but not on the port: whether it is ready now (true
   * only for an inherited port). Warns once per app and port.
   */
  settleElsewhere(listened: number | null, listenTimeout: number): boolean;
}

/**
 * The rule of one app's port, over all its processes (slots, restarts, reloads): once a process of the app has
 * listened only beside an inherited PORT, that PORT is known not to be the app's, and later processes are ready on
 * their first listen without waiting listenTimeout again. Its warning is said once, not per process.
 */
export class AppPortRule {
  // Inherited ports a process of the app listened beside, not on.
  #elsewhere = new Set<number>();
  readonly #warn: (message: string) => void;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  /** The app port of a process told `port` (undefined: no PORT Hive knows, and every listen counts). */
  of(port: { port: number; given: boolean } | undefined): AppPort | undefined {
    if (port === undefined) return undefined;
    const elsewhere = this.#elsewhere;
    const warn = this.#warn;
    return {
      ...port,
      counts: (listened) => listened === port.port || (!port.given && elsewhere.has(port.port)),
      settleElsewhere: (listened, listenTimeout) => {
        if (port.given) return false;
        if (!elsewhere.has(port.port)) {
          elsewhere.add(port.port);
          warn(
            `PORT ${port.port} came from the environment Hive inherited (not --port or the app's env), and the app ` +
              `listened on ${listened ?? 'a Unix socket'} instead: its processes are ready on their first listen ` +
              `(this one after waiting ${listenTimeout} ms for port ${port.port}); give the app its port ` +
              '(--port, env PORT) to have it enforced, or unset PORT',
          );
        }
        return true;
      },
    };
  }
}
