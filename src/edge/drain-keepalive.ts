/**
 * nginx's upstream keep-alive in front of an app whose draining processes close a kept-alive connection once it has
 * sat idle for `hive run --drain-idle-grace`. nginx must close an idle upstream connection first: a request it sends on
 * one the process is closing fails, and nginx never sends a POST again (a 502). Its `keepalive_timeout` is how long an
 * idle cached connection stays open (ngx_http_upstream_module), counted from the connection's last response; the grace
 * counts from the drain's start, no earlier (a response in the drain closes its connection itself), so a timeout below
 * the grace closes it first. Half the grace leaves the other half for nginx acting late on its timer (a busy worker),
 * the margin of the default pair: 500ms against hive run's 1s.
 */
import { durationText } from '../cluster/option-checks.js';
import type { SiteInput } from './options.js';

// `hive run`'s default --drain-idle-grace: a draining app process closes a kept-alive connection idle this long.
export const DEFAULT_DRAIN_IDLE_GRACE_MS = 1000;

/** nginx's upstream `keepalive_timeout` unless said otherwise (edge-schema): half of hive run's default grace. */
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = DEFAULT_DRAIN_IDLE_GRACE_MS / 2;

// Under it the margin, as long as the timeout, is within what a busy nginx worker stalls, and a connection that may
// stay idle so briefly is seldom reused anyway: no upstream keep-alive at all, rather than a race.
export const MIN_KEEPALIVE_TIMEOUT_MS = 50;

/**
 * The upstream keep-alive for an app whose draining processes close an idle connection after `drainIdleGraceMs`:
 * undefined where the default timeout is below half of it already, else a shorter `keepaliveTimeout`, or `keepalive: 0`
 * (none) where half the grace is under {@link MIN_KEEPALIVE_TIMEOUT_MS} (a grace of 0 closes idle connections at once).
 */
export function drainKeepalive(drainIdleGraceMs: number): { keepaliveTimeout: string } | { keepalive: 0 } | undefined {
  const timeout = Math.floor(drainIdleGraceMs / 2);
  if (timeout >= DEFAULT_KEEPALIVE_TIMEOUT_MS) return undefined;
  if (timeout < MIN_KEEPALIVE_TIMEOUT_MS) return { keepalive: 0 };
  return { keepaliveTimeout: `${timeout}ms` };
}

/**
 * The warning for a grace that leaves no upstream keep-alive (drainKeepalive's `keepalive: 0`), for `hive deploy` and
 * `hive edge` alike: `grace` names the setting and its value, `nginx` the nginx config that keeps no connection.
 */
export function noKeepaliveWarning(grace: string, nginx: string): string {
  return (
    `${grace} leaves nginx no time to keep an idle connection to the app: nginx must close one before a draining ` +
    `process does, or a request it sends on one being closed fails (a POST with a 502), so ${nginx} opens a ` +
    `connection per request (no upstream keep-alive). A grace of ${2 * MIN_KEEPALIVE_TIMEOUT_MS}ms or more keeps them`
  );
}

/**
 * `hive edge nginx --config`: an app's site with its upstream keep-alive fitted to its own `drainIdleGrace` (in ms;
 * undefined: hive run's default, which the defaults fit already), by {@link drainKeepalive}. A `keepaliveTimeout` the
 * app's edge settings or the flags give is kept (edgeWarnings says when it is not below the grace), and so is a
 * `keepalive` count, which only a grace too short for any timeout would have turned off. `warning` says when the
 * site is left with no upstream keep-alive.
 */
export function siteDrainKeepalive(
  site: SiteInput,
  drainIdleGraceMs: number | undefined,
): { site: SiteInput; warning?: string } {
  const upstream = site.upstream ?? {};
  // A sticky app keeps no upstream connection unless told to (options.ts): nothing to fit then.
  const keptAlive = (upstream.keepalive ?? (site.sticky === undefined || site.sticky === false ? 32 : 0)) > 0;
  if (drainIdleGraceMs === undefined || !keptAlive || upstream.keepaliveTimeout !== undefined) return { site };
  const fitted = drainKeepalive(drainIdleGraceMs);
  if (fitted === undefined || ('keepalive' in fitted && upstream.keepalive !== undefined)) return { site };
  const warning =
    'keepalive' in fitted
      ? noKeepaliveWarning(
          `app ${JSON.stringify(site.app)}: drainIdleGrace (hive run --drain-idle-grace) ${durationText(drainIdleGraceMs)}`,
          'nginx with this config',
        )
      : undefined;
  return { site: { ...site, upstream: { ...upstream, ...fitted } }, ...(warning !== undefined && { warning }) };
}
