/**
 * nginx's upstream keep-alive in front of an app whose draining processes close a kept-alive connection once it has
 * sat idle for `hive run --drain-idle-grace`. nginx must close an idle upstream connection first: a request it sends on
 * one the process is closing fails, and nginx never sends a POST again (a 502). Its `keepalive_timeout` is how long an
 * idle cached connection stays open (ngx_http_upstream_module), counted from the connection's last response; the grace
 * counts from the drain's start, no earlier (a response in the drain closes its connection itself), so a timeout below
 * the grace closes it first. Half the grace leaves the other half for nginx acting late on its timer (a busy worker),
 * the margin of the default pair: 500ms against hive run's 1s.
 */
import { DEFAULT_DRAIN_IDLE_GRACE_MS } from './edge-warnings.js';

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
