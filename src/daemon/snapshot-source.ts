import type { HiveSnapshot, SnapshotSource } from '../metrics/snapshot.js';
import { DaemonClient } from './client.js';
import { DaemonNotRunningError } from './errors.js';
import { type HivePaths, hivePaths } from './paths.js';

/** Options of {@link daemonSnapshotSource}. */
export interface DaemonSnapshotOptions {
  /** The daemon's home; default `$HIVE_HOME` or `~/.hive`. */
  paths?: HivePaths;
  /** One app (name or id) rather than all of them. */
  target?: string;
  /**
   * The caller shows sampled requests (the dashboard's waterfall): while such snapshots keep coming, the apps'
   * primaries sample requests (5 per process per second), and stop 15 s after the last one. Off for `hive monit`.
   */
  requests?: boolean;
  /**
   * Milliseconds one snapshot waits for the daemon before it fails with `ERR_HIVE_DAEMON_TIMEOUT` and its connection
   * is closed; default `QUICK_REQUEST_TIMEOUT` (5 s). 0 waits for ever.
   */
  timeout?: number;
}

/** Options of one read of {@link daemonSnapshotSource}. */
export interface SnapshotReadOptions {
  /** Aborting it gives up the read and closes its connection (a view that stopped waiting must not leave it open). */
  signal?: AbortSignal;
}

/** A {@link SnapshotSource} whose reads can be given up (see {@link SnapshotReadOptions}). */
export interface AbortableSnapshotSource extends SnapshotSource {
  snapshot(options?: SnapshotReadOptions): Promise<HiveSnapshot>;
}

/**
 * The live views' snapshots from this user's daemon (`hive monit`, `hive dashboard` without `hive run`): every app
 * it manages, cluster apps as their primaries see them. Never starts a daemon: `snapshot()` rejects with
 * {@link DaemonNotRunningError} (`ERR_HIVE_DAEMON_NOT_RUNNING`) while none runs, and works again once one does; a
 * daemon that does not answer fails the read with `ERR_HIVE_DAEMON_TIMEOUT` after `timeout`, its connection closed.
 */
export function daemonSnapshotSource(options: DaemonSnapshotOptions = {}): AbortableSnapshotSource {
  const paths = options.paths ?? hivePaths();
  const fields = {
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.requests ? { requests: true } : {}),
  };
  return {
    async snapshot(read: SnapshotReadOptions = {}): Promise<HiveSnapshot> {
      read.signal?.throwIfAborted();
      // A connection per snapshot: nothing to keep alive or close between polls, and a restarted daemon is found.
      const client = await DaemonClient.connect({ start: false, paths });
      if (!client) throw new DaemonNotRunningError(paths.home);
      try {
        return await client.request<HiveSnapshot>('snapshot', fields, {
          ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
          ...(read.signal ? { signal: read.signal } : {}),
        });
      } finally {
        client.close();
      }
    },
  };
}
