import type { HiveSnapshot, SnapshotSource } from '../metrics/snapshot.js';
import { DashboardSnapshotTimeoutError } from './errors.js';

/**
 * How long the dashboard waits for one snapshot: three intervals, and at least 2 s, since the daemon gives each
 * primary it asks a second before answering for it from what it knows itself.
 */
export function snapshotTimeout(interval: number): number {
  return Math.max(3 * interval, 2_000);
}

/**
 * `source.snapshot()`, or a rejection with {@link DashboardSnapshotTimeoutError} once `timeout` ms pass without an
 * answer. A source that never settles (a primary or daemon that does not answer) must not hold the dashboard, nor the
 * process: the timer is unref'd and cleared on the answer. A late answer is dropped (the promise has settled).
 */
export function readSnapshot(source: SnapshotSource, timeout: number): Promise<HiveSnapshot> {
  return new Promise<HiveSnapshot>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DashboardSnapshotTimeoutError(timeout)), timeout);
    timer.unref();
    // A source may also throw before it returns a promise; that is a failed read like any other.
    new Promise<HiveSnapshot>((read) => read(source.snapshot()))
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}
