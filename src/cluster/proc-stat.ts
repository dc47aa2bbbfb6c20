import { readdirSync, readFileSync } from 'node:fs';

/**
 * The fields of `/proc/<pid>/stat` after the command name (Linux), or undefined when the process is gone or there is
 * no /proc: [0] state, [1] ppid, [2] pgrp, [11] utime, [12] stime, [19] starttime (field N of proc(5) is index N - 3).
 */
export function procStatFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * Whether `pid` is stopped (SIGSTOP, SIGTSTP, or traced: /proc state `T` or `t`): it cannot answer anything until it is
 * continued, however long one waits. False when it is gone.
 */
export function isStopped(pid: number): boolean {
  const state = procStatFields(pid)?.[0];
  return state === 'T' || state === 't';
}

/**
 * Whether `pid` runs: it exists (another user's counts, EPERM) and is not a zombie, which has exited and waits only
 * for its parent's wait() (a detached daemon's parent is whatever adopted it).
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStatFields(pid)?.[0] !== 'Z';
}

/**
 * A process as /proc lists it: its pid, its parent's, its process group, and its start time (clock ticks after boot,
 * proc(5) field 22). Zombies are listed too (`zombie`): they have exited, and only their parent's wait() is left.
 */
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  startTime: string;
  zombie: boolean;
}

/** Every process /proc lists (Linux; elsewhere none), read once: what the parent links of a process tree come from. */
export function procTable(): ProcEntry[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const table: ProcEntry[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStatFields(Number(entry));
    if (fields?.[1] === undefined || fields[19] === undefined) continue;
    table.push({
      pid: Number(entry),
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      startTime: fields[19],
      zombie: fields[0] === 'Z',
    });
  }
  return table;
}

/** The start time of `pid` (see {@link ProcEntry}), or undefined when it is gone (or a zombie) or there is no /proc. */
export function startTimeOf(pid: number): string | undefined {
  const fields = procStatFields(pid);
  return fields === undefined || fields[0] === 'Z' ? undefined : fields[19];
}

// USER_HZ, the unit of /proc's start times: 100 on every Linux ABI Node runs on (sysconf(_SC_CLK_TCK)).
const CLOCK_TICKS_PER_S = 100;

/**
 * When `pid` started, in epoch ms (the boot time is to the second), or undefined when it is gone (or a zombie) or
 * there is no /proc.
 */
export function startedAtMs(pid: number): number | undefined {
  const ticks = startTimeOf(pid);
  let boot: string | undefined;
  try {
    boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
  if (ticks === undefined || boot === undefined) return undefined;
  return Number(boot) * 1000 + (Number(ticks) * 1000) / CLOCK_TICKS_PER_S;
}

/**
 * The resident memory of `pid` in bytes (VmRSS of /proc/<pid>/status: what the process's own `memoryUsage().rss`
 * reads), or undefined when it is gone or there is no /proc.
 */
export function residentBytes(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}
