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
}

/**
 * The live views' snapshots from this user's daemon (`hive monit`, `hive dashboard` without `hive run`): every app
 * it manages, cluster apps as their primaries see them. Never starts a daemon: `snapshot()` rejects with
 * {@link DaemonNotRunningError} (`ERR_HIVE_DAEMON_NOT_RUNNING`) while none runs, and works again once one does.
 */
export function daemonSnapshotSource(options: DaemonSnapshotOptions = {}): SnapshotSource {
  const paths = options.paths ?? hivePaths();
  const fields = {
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.requests ? { requests: true } : {}),
  };
  return {
    async snapshot(): Promise<HiveSnapshot> {
      // A connection per snapshot: nothing to keep alive or close between polls, and a restarted daemon is found.
      const client = await DaemonClient.connect({ start: false, paths });
      if (!client) throw new DaemonNotRunningError(paths.home);
      try {
        return await client.request<HiveSnapshot>('snapshot', fields);
      } finally {
        client.close();
      }
    },
  };
}
