import { join } from 'node:path';
import { readText } from '../pool/available-cores.js';
import { memoryCgroups } from './cgroup-memory.js';

/**
 * How many processes the kernel's OOM killer has ended, counted as near this process as the system allows: its own
 * cgroup's (v2 `memory.events`, which counts every kind of OOM kill of the group's processes and its descendants'; v1
 * `memory.oom_control`), else the whole system's (`/proc/vmstat`, Linux >= 4.13). Undefined where none is readable.
 * A SIGKILL that nobody in Hive sent, while this count rose, was the OOM killer's: the process ran out of memory (its
 * cgroup's limit or the machine's), which the bare signal does not say.
 *
 * @param root - filesystem root to read /proc and /sys from; tests point it at fixture trees.
 */
export function oomKillCount(root = '/'): number | undefined {
  for (const { version, mount, path } of memoryCgroups(root)) {
    const count = counter(readText(join(mount, path, version === 2 ? 'memory.events' : 'memory.oom_control')));
    if (count !== undefined) return count;
  }
  // The v2 root group has no memory.events, and a v1 kernel before 4.13 no oom_kill line.
  return counter(readText(join(root, 'proc/vmstat')));
}

function counter(text: string | undefined): number | undefined {
  const value = text?.match(/^oom_kill (\d+)$/m)?.[1];
  return value === undefined ? undefined : Number(value);
}

/**
 * Whether a process that started when the count was `before` and ended with `signal` was the OOM killer's: a SIGKILL
 * not sent by Hive (`killedByHive`), with the count risen since. Another process of the group killed meanwhile makes a
 * SIGKILL sent by someone else look like one: rare enough for a crash report's hint.
 */
export function endedByOomKiller(
  before: number | undefined,
  signal: string | null,
  killedByHive: boolean,
  root = '/',
): boolean {
  if (signal !== 'SIGKILL' || killedByHive || before === undefined) return false;
  const now = oomKillCount(root);
  return now !== undefined && now > before;
}
