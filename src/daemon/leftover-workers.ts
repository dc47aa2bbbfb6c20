import { setTimeout as sleep } from 'node:timers/promises';
import { procTable } from '../cluster/proc-stat.js';
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
  signalEach(alive(), 'SIGKILL');
  await waitGone(alive, SIGKILL_WAIT_MS);
}

/**
 * Ends what is left of the process group `pgid` of a primary that has exited: the daemon starts each primary in a
 * group of its own, which its app processes and whatever they start join (unless they make a group of their own).
 * Once the primary and its workers are gone, what they started (a helper binary, a `sleep`) is tied to the app by that
 * group alone: /proc re-parents an orphan to init. They get treekill's steps: SIGTERM, `killTimeout` ms, SIGKILL.
 * Each member is known by pid and start time when the group is read, so a recycled pid is never signalled.
 */
export async function endLeftoverGroup(pgid: number, killTimeout: number): Promise<void> {
  const members = groupMembers(pgid);
  if (members.length === 0) return;
  signalEach(members, 'SIGTERM');
  await endLeftoverWorkers(members, killTimeout);
}

/** The live processes of group `pgid` (Linux; elsewhere none), never this one. */
function groupMembers(pgid: number): RecordedProcess[] {
  return procTable()
    .filter((entry) => entry.pgrp === pgid && !entry.zombie && entry.pid !== process.pid)
    .map(({ pid, startTime }) => ({ pid, startTime }));
}

/** Sends `signal` to each process still the one recorded. */
export function signalEach(processes: RecordedProcess[], signal: NodeJS.Signals): void {
  for (const { pid, startTime } of processes) {
    if (!isSameProcess(pid, startTime)) continue;
    try {
      process.kill(pid, signal);
    } catch {}
  }
}

async function waitGone(alive: () => RecordedProcess[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive().length > 0) {
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
  return true;
}
