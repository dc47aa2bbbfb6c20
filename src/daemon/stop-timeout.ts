import { MAX_TIMER } from '../cluster/units.js';
import type { AppSpec } from './protocol.js';
import { runArgDuration } from './run-arg-flag.js';

/** `hive run`'s and the fork primary's killTimeout when the app sets none. */
const DEFAULT_KILL_TIMEOUT = 5_000;
// What the daemon gave every primary before it derived the bound from killTimeout: an app with the default keeps it.
const MIN_STOP_TIMEOUT = 30_000;
// Beyond the primary's own escalation: its workers' exits, the last /proc reads and SIGKILL waits, its output flushed.
const STOP_MARGIN = 10_000;

/**
 * How long the daemon waits for a primary it asked to stop before it SIGKILLs it: beyond the primary's own escalation,
 * so that only a primary that hangs is cut short. A retiring process drains for up to killTimeout, and with treekill
 * its descendants get SIGTERM once it has exited and SIGKILL killTimeout later (docs/cluster.md): twice killTimeout,
 * which a SIGKILL of the primary must not cut short, or the descendants that ignore SIGTERM are left running.
 */
export function stopTimeout(killTimeout: number): number {
  return Math.min(MAX_TIMER, Math.max(MIN_STOP_TIMEOUT, 2 * killTimeout + STOP_MARGIN));
}

/**
 * The killTimeout an app's primary uses: a fork-mode app's from its spec, a cluster app's from its `hive run`
 * arguments (`--kill-timeout=<duration>`, as `hive start` writes it; the last one wins, as for `hive run`).
 */
export function killTimeoutOf(spec: Pick<AppSpec, 'fork' | 'killTimeout' | 'runArgs'>): number {
  if (spec.fork) return spec.killTimeout ?? DEFAULT_KILL_TIMEOUT;
  // A bad value: `hive run` refuses it and exits at once, there is no stop to wait for.
  return runArgDuration(spec.runArgs, 'kill-timeout', DEFAULT_KILL_TIMEOUT);
}
