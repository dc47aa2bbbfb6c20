import { MAX_TIMER } from '../cluster/units.js';
import type { AppSpec } from './protocol.js';
import { runArgDuration } from './run-arg-flag.js';
import { killTimeoutOf } from './stop-timeout.js';

/** `hive run`'s and the fork primary's listenTimeout when the app sets none. */
const DEFAULT_LISTEN_TIMEOUT = 10_000;
// Beyond the slots' own timeouts: forks, the answer's way back.
const CONTROL_MARGIN = 10_000;

/** The listenTimeout an app's primary uses: from its `hive run` arguments (`--listen-timeout=<duration>`, the last). */
export function listenTimeoutOf(spec: Pick<AppSpec, 'runArgs'>): number {
  return runArgDuration(spec.runArgs, 'listen-timeout', DEFAULT_LISTEN_TIMEOUT);
}

/**
 * How long the daemon waits for a primary's answer to a reload or scale that goes through `slots` slots one after
 * another (a reload's; a scale's run side by side: 1): each may take its listen timeout to come up and its kill timeout
 * to drain, and one more slot's worth is a memory replacement the primary may run first. A primary slower than that
 * does not answer (frozen, its event loop blocked) and must not hold the app's commands queued behind it.
 */
export function controlTimeout(spec: Pick<AppSpec, 'fork' | 'killTimeout' | 'runArgs'>, slots: number): number {
  const perSlot = listenTimeoutOf(spec) + killTimeoutOf(spec);
  return Math.min(MAX_TIMER, (Math.max(1, slots) + 1) * perSlot + CONTROL_MARGIN);
}
