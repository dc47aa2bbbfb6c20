import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAfterExit, closeOf } from './child-close.js';
import { type ProcEntry, procTable, startTimeOf } from './proc-stat.js';

// How often the tree of a retiring process is read again while it runs: a child started after the last read and still
// running when the process exits is missed, since /proc no longer ties an orphan to the process it came from.
const TRACK_INTERVAL_MS = 100;
// How often the descendants signalled are checked for their exit.
const POLL_MS = 50;
// How long SIGKILLed descendants are waited for: one in uninterruptible sleep (a hung NFS read) dies only when it
// wakes, and a stop must not hang on it.
const SIGKILL_WAIT_MS = 2_000;

// The trees being tracked share one read of /proc per interval: a stop retires every worker at once, and each reading
// the whole process table on its own would multiply the cost by their number.
const tracked = new Set<ProcessTree>();
let trackTimer: NodeJS.Timeout | undefined;

function track(tree: ProcessTree, on: boolean): void {
  if (on) tracked.add(tree);
  else tracked.delete(tree);
  if (tracked.size === 0) {
    clearInterval(trackTimer);
    trackTimer = undefined;
  } else if (trackTimer === undefined) {
    // Unref'd: tracking alone must not keep a primary alive that has nothing else to do.
    trackTimer = setInterval(() => {
      const table = procTable();
      for (const each of tracked) each.refresh(table);
    }, TRACK_INTERVAL_MS).unref();
  }
}

/**
 * The descendants of one process (its children, theirs, and so on), PM2's `treekill`: what an app started (`npm start`
 * running `node srv.js`, a `sleep`, a server holding a port) must not outlive the app's stop. Each is known by pid and
 * start time (/proc/<pid>/stat), so that a pid the kernel gave to an unrelated process since is never signalled.
 *
 * The tree is read when the ProcessTree is made and again every TRACK_INTERVAL_MS until the root exits: once it has,
 * its orphans are re-parented (to init or a subreaper) and nothing ties them to it any more, so the set must be
 * current at that moment. A descendant that exits leaves the set; one that was re-parented while the root ran stays.
 *
 * Linux only: without /proc the tree is empty and every method does nothing.
 */
export class ProcessTree {
  readonly root: number;
  #rootStart: string | undefined;
  // Every descendant seen, pid -> start time, in the order found (parents before their children).
  #known = new Map<number, string>();
  // The pids that had the soft signal: a second SIGTERM is, to many apps, "force it now".
  #signalled = new Set<number>();

  constructor(root: number) {
    this.root = root;
    this.#rootStart = startTimeOf(root);
    if (this.#rootStart === undefined) return;
    this.refresh();
    track(this, true);
  }

  /**
   * Reads the root's descendants again, from `table` (read now if not given); stops tracking once the root is gone
   * (its pid may be reused).
   */
  refresh(table?: ProcEntry[]): void {
    if (this.#rootStart === undefined) return;
    table ??= procTable();
    // Checked after the table was read: a root that exited meanwhile has its orphans re-parented out of it already,
    // but a reused pid's children would be counted as its own.
    if (startTimeOf(this.root) !== this.#rootStart) {
      this.stopTracking();
      return;
    }
    const children = new Map<number, ProcEntry[]>();
    for (const entry of table) {
      const siblings = children.get(entry.ppid);
      if (siblings) siblings.push(entry);
      else children.set(entry.ppid, [entry]);
    }
    const queue = [this.root];
    for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
      for (const child of children.get(parent) ?? []) {
        if (this.#known.get(child.pid) !== child.startTime) this.#signalled.delete(child.pid);
        this.#known.set(child.pid, child.startTime);
        queue.push(child.pid);
      }
    }
  }

  /** Stops reading the tree: the root has exited, and what is known now is all there is to know. */
  stopTracking(): void {
    track(this, false);
    this.#rootStart = undefined;
  }

  /** The descendants known that still run: the same pid with the same start time (not a zombie). */
  alive(): number[] {
    const alive: number[] = [];
    for (const [pid, start] of this.#known) {
      if (isSameProcess(pid, start)) alive.push(pid);
      else this.#known.delete(pid);
    }
    return alive;
  }

  /**
   * Sends `signal` to every descendant alive, deepest first as PM2 does (a parent that reacts to its child's end then
   * has no other child left to restart). A soft signal goes once to each process; SIGKILL to all that are left.
   */
  signal(signal: NodeJS.Signals): void {
    for (const pid of this.alive().reverse()) {
      if (signal !== 'SIGKILL') {
        if (this.#signalled.has(pid)) continue;
        this.#signalled.add(pid);
      }
      try {
        process.kill(pid, signal);
      } catch {
        // Gone since (ESRCH), or no longer ours to signal (EPERM: it ran a setuid program).
      }
    }
  }

  /**
   * After the root has exited: stops tracking, sends `signal` to the descendants still alive that have not had it,
   * SIGKILLs those left after `killAfter` ms, and resolves once all are gone (or SIGKILL_WAIT_MS after the SIGKILL).
   */
  async finish(signal: NodeJS.Signals, killAfter: number): Promise<void> {
    this.stopTracking();
    this.signal(signal);
    if (!(await this.#waitGone(killAfter))) {
      this.signal('SIGKILL');
      await this.#waitGone(SIGKILL_WAIT_MS);
    }
  }

  async #waitGone(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.alive().length > 0) {
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
    }
    return true;
  }
}

/**
 * Whether `pid` is still the process that had `startTime`: alive, not a zombie, and not a newer process the kernel gave
 * the pid of one that exited. Checked right before each signal; the pid could only be reused within that instant.
 */
export function isSameProcess(pid: number, startTime: string): boolean {
  return startTimeOf(pid) === startTime;
}

/**
 * Stops a plain child process (fork mode) as PM2 does: `signal` to it and, with `treekill`, to its whole tree at once
 * (no drain runs in it that its children would still serve), or `ask()` in place of both (PM2's shutdown message: the
 * process ends its children itself; those left once it exited get `signal`); SIGKILL to what is left after
 * `killTimeout`, including descendants found by then, `onKill()` said first (the overrun is reported, as a cluster
 * worker's `killed` event). Resolves once the process has exited, its descendants are gone, and its output has been
 * read (or its pipes closed CLOSE_GRACE_MS after, when a process out of its tree holds them).
 */
export async function stopProcessTree(
  child: ChildProcess,
  signal: NodeJS.Signals,
  killTimeout: number,
  treekill: boolean,
  { ask, onKill }: { ask?: (() => void) | undefined; onKill?: () => void } = {},
): Promise<void> {
  const tree = treekill && child.pid ? new ProcessTree(child.pid) : undefined;
  const begun = Date.now();
  const closed = closeOf(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const force = setTimeout(() => {
    onKill?.();
    tree?.refresh();
    child.kill('SIGKILL');
    tree?.signal('SIGKILL');
  }, killTimeout);
  if (ask) ask();
  else {
    child.kill(signal);
    tree?.signal(signal);
  }
  await exited;
  clearTimeout(force);
  await tree?.finish(signal, Math.max(0, killTimeout - (Date.now() - begun)));
  // Its output pipes close once every process holding them has exited: a descendant left running (treekill off) or
  // one that escaped the tree (`sleep 300 &` of a shell, re-parented to init before the tree was read) holds them for
  // good, and the stop would hang on it.
  await closeAfterExit(child, closed);
}
