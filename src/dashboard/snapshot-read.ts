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
 * What {@link readSnapshot} reads: any {@link SnapshotSource}; one that takes a `signal` (the daemon's,
 * src/daemon/snapshot-source.ts) is told when a read is given up, and closes its connection then.
 */
export interface ReadableSnapshotSource {
  snapshot(options?: { signal?: AbortSignal }): Promise<HiveSnapshot>;
}

/**
 * `source.snapshot()`, or a rejection with {@link DashboardSnapshotTimeoutError} once `timeout` ms pass without an
 * answer. A source that never settles (a primary or daemon that does not answer) must not hold the dashboard, nor the
 * process: the timer is unref'd and cleared on the answer. A late answer is dropped (the promise has settled), and the
 * source's signal is aborted so that it stops waiting too (otherwise each abandoned read kept a connection open).
 */
export function readSnapshot(source: ReadableSnapshotSource, timeout: number): Promise<HiveSnapshot> {
  return new Promise<HiveSnapshot>((resolve, reject) => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const error = new DashboardSnapshotTimeoutError(timeout);
      reject(error);
      controller.abort(error);
    }, timeout);
    timer.unref();
    // A source may also throw before it returns a promise; that is a failed read like any other.
    new Promise<HiveSnapshot>((read) => read(source.snapshot({ signal: controller.signal })))
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}
