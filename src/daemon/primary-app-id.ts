import { ENV } from '../runtime/protocol.js';

/**
 * The daemon's mark on the environment of the `hive run` primary it forks for a cluster-mode app: the HIVE_APP_ID
 * beside it is that app's id, which pm_id is made of (cluster/pm-id.ts). Not an IPC channel, which any Node program
 * forked with child_process.fork has: an app that forks a `hive run` of its own must not number that one's pm_ids from
 * its own id.
 */
const MARK = 'HIVE_DAEMON_PRIMARY';

/** The environment of a cluster-mode app's primary: `env` with the daemon's mark. */
export function markedPrimaryEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, [MARK]: '1' };
}

/**
 * In `hive run`, before it starts anything: keeps HIVE_APP_ID only in a primary the daemon forked, and removes the
 * mark either way, so that nothing this primary starts (its processes, and what they start) inherits it. Returns
 * whether the daemon forked this primary: the mark is gone afterwards, so this is the one place that can tell.
 */
export function claimAppId(env: NodeJS.ProcessEnv = process.env): boolean {
  const forkedByDaemon = env[MARK] === '1';
  if (!forkedByDaemon) delete env[ENV.appId];
  delete env[MARK];
  return forkedByDaemon;
}
