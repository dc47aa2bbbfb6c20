import type { AppInfo, IdleSlot } from '../daemon/protocol.js';

/** The statuses PM2 gives a process (its lib/constants.js), those a Hive process, slot or app maps to. */
export type Pm2Status = 'online' | 'stopping' | 'stopped' | 'launching' | 'errored' | 'waiting restart';

/**
 * PM2's status of one of an app's processes, from its state (cluster/worker-process.ts: starting, ready, draining,
 * stopped) and the app's: every process of an app that is stopping is, as in PM2's `pm2 stop`.
 */
export function pm2ProcessStatus(state: string, app: AppInfo['status']): Pm2Status {
  if (app === 'stopping') return 'stopping';
  switch (state) {
    case 'ready':
      return 'online';
    case 'starting':
      return 'launching';
    case 'stopped':
      return 'stopped';
    default:
      // draining: it finishes its requests and exits, as PM2's stopping process does.
      return 'stopping';
  }
}

/** A slot with no process: PM2's `waiting restart` while its restart delay runs, `errored` once it crash-looped. */
export function pm2SlotStatus(state: IdleSlot['state']): Pm2Status {
  return state === 'restarting' ? 'waiting restart' : 'errored';
}

/**
 * The status of the processes of an app that has none now (stopped, errored, or starting before its primary forked
 * them). A reloading or online app always has processes or idle slots; were it listed here, `launching` says that its
 * processes are on their way.
 */
export function pm2AppStatus(status: AppInfo['status']): Pm2Status {
  switch (status) {
    case 'stopped':
      return 'stopped';
    case 'errored':
      return 'errored';
    case 'stopping':
      return 'stopping';
    default:
      return 'launching';
  }
}
