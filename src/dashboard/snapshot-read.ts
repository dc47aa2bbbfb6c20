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

/** Options of {@link readSnapshot}. */
export interface BoundedReadOptions {
  /** Milliseconds to wait for the answer before the read is given up. */
  timeout: number;
  /** The error a read given up at `timeout` rejects with; default {@link DashboardSnapshotTimeoutError}. */
  timeoutError?: (timeout: number) => Error;
  /** Aborting it gives the read up at once (the caller stopped: a closed dashboard, a quit `hive monit`). */
  signal?: AbortSignal;
}

/**
 * `source.snapshot()` with a bound, shared by the dashboard and `hive monit`: it rejects with `timeoutError` once
 * `timeout` ms pass without an answer, or with the reason of `signal` when that aborts first. A source that never
 * settles (a primary or daemon that does not answer) must not hold the caller, nor the process: the timer is unref'd
 * and cleared on the answer. A late answer is dropped (the promise has settled), and the source's signal is aborted
 * with the same reason so that it stops waiting too (otherwise each abandoned read kept a connection open).
 */
export function readSnapshot(source: ReadableSnapshotSource, options: BoundedReadOptions): Promise<HiveSnapshot> {
  const { timeout, timeoutError = (ms: number) => new DashboardSnapshotTimeoutError(ms), signal } = options;
  return new Promise<HiveSnapshot>((resolve, reject) => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const giveUp = (reason: unknown) => {
      settle();
      reject(reason);
      controller.abort(reason);
    };
    const onAbort = () => giveUp(signal?.reason);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => giveUp(timeoutError(timeout)), timeout);
    timer.unref();
    // A source may also throw before it returns a promise; that is a failed read like any other.
    new Promise<HiveSnapshot>((read) => read(source.snapshot({ signal: controller.signal })))
      .then(resolve, reject)
      .finally(settle);
  });
}
