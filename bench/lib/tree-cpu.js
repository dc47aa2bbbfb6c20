// CPU time of a process tree from /proc (Linux): what a server subject spends, all its processes and threads counted.
// Steadier than req/s on a shared machine: a slow second stretches the run, not the CPU each request costs.
import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux architecture Node runs on.
const TICKS_PER_SECOND = 100;

/** [pid, ppid, utime + stime in ticks] of a live process, or undefined when it is gone. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself hold spaces or parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return [pid, Number(fields[1]), Number(fields[11]) + Number(fields[12])];
  } catch {
    return undefined;
  }
}

/**
 * CPU milliseconds used so far by `rootPid` and every live descendant (user + system, all threads). Processes that
 * exited in between are not counted, so measure across a window in which the tree stays the same.
 * @param {number} rootPid
 * @returns {number}
 */
export function treeCpuMs(rootPid) {
  const byParent = new Map();
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s === undefined) continue;
    const [pid, ppid, cpu] = s;
    ticks.set(pid, cpu);
    if (!byParent.has(ppid)) byParent.set(ppid, []);
    byParent.get(ppid).push(pid);
  }
  let total = 0;
  const todo = [rootPid];
  while (todo.length > 0) {
    const pid = todo.pop();
    total += ticks.get(pid) ?? 0;
    todo.push(...(byParent.get(pid) ?? []));
  }
  return (total * 1000) / TICKS_PER_SECOND;
}

/**
 * Starts counting the CPU of some process trees; `perRequestUs(requests)` gives their summed CPU per request in µs
 * since the start.
 * @param {number[]} rootPids
 */
export function cpuMeter(rootPids) {
  const sum = () => rootPids.reduce((total, pid) => total + treeCpuMs(pid), 0);
  const start = sum();
  return { perRequestUs: (requests) => (requests > 0 ? ((sum() - start) * 1000) / requests : Number.NaN) };
}
