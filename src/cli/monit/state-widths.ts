import type { AppState, SlotInfo } from '../../cluster/supervisor.js';
import type { WorkerState } from '../../cluster/worker-process.js';
import type { AppInfo, IdleSlot } from '../../daemon/protocol.js';

// Every state a row of `hive monit` can show, as records of the types that set them rather than lists: a state added
// to one of these types fails the build here until it is listed, so the STATE columns never cut a new one.
const appStates: Record<AppState | AppInfo['status'], true> = {
  starting: true,
  online: true,
  reloading: true,
  errored: true,
  stopping: true,
  stopped: true,
};

// A slot's state is its live process's, or the slot's own without one (`live` is never shown).
const instanceStates: Record<WorkerState | Exclude<SlotInfo['state'], 'live'> | IdleSlot['state'], true> = {
  starting: true,
  ready: true,
  draining: true,
  stopped: true,
  restarting: true,
  errored: true,
  down: true,
};

const longest = (states: object) => Math.max(...Object.keys(states).map((state) => state.length));

/** The width of the app table's STATE column: its longest state. */
export const APP_STATE_WIDTH = longest(appStates);

/** The width of the instance table's STATE column: its longest state (`restarting`). */
export const INSTANCE_STATE_WIDTH = longest(instanceStates);
