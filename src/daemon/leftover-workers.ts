import { setTimeout as sleep } from 'node:timers/promises';
import { isSameProcess } from '../cluster/process-tree.js';

/** An app process as the daemon recorded it: its pid and start time (see cluster/proc-stat.ts's startTimeOf). */
export interface RecordedProcess {
  pid: number;
  startTime: string;
}

// How often the leftovers are checked for their exit.
const POLL_MS = 50;
// How long SIGKILLed leftovers are waited for: one in uninterruptible sleep dies only when it wakes.
const SIGKILL_WAIT_MS = 2_000;

/**
 * Ends the workers a primary that died left behind. A worker leaves when its primary's IPC channel closes, but one
 * whose event loop is blocked never reads that, runs on as an orphan (ppid 1), and may hold the app's port (`--balance
 * os`), so that the next primary could never bind it. Each gets `killTimeout` ms to leave by itself (a drain), then
 * SIGKILL; a pid is signalled only while it is the process recorded (same start time), never a recycled one. Resolves
 * once all are gone (or SIGKILL_WAIT_MS after the SIGKILL).
 */
export async function endLeftoverWorkers(processes: RecordedProcess[], killTimeout: number): Promise<void> {
  const alive = () => processes.filter((p) => isSameProcess(p.pid, p.startTime));
  if (await waitGone(alive, killTimeout)) return;
  for (const { pid } of alive()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  await waitGone(alive, SIGKILL_WAIT_MS);
}

async function waitGone(alive: () => RecordedProcess[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive().length > 0) {
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
  return true;
}
