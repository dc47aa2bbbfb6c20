import { join } from 'node:path';
import { ancestors, parseProcCgroup, readText } from '../pool/available-cores.js';

/** Where this process's memory controller keeps its files: cgroup v2's unified tree, or v1's memory hierarchy. */
export interface MemoryCgroup {
  version: 1 | 2;
  /** The hierarchy's mount point, under the root read from. */
  mount: string;
  /** The group's path inside it, as /proc/self/cgroup says. */
  path: string;
}

/**
 * The memory cgroups this process belongs to, in /proc/self/cgroup's order: the v2 entry and a v1 entry naming the
 * memory controller (a hybrid system has both). Empty where /proc/self/cgroup is unreadable.
 *
 * @param root - filesystem root to read /proc and /sys from; tests point it at fixture trees.
 */
export function memoryCgroups(root = '/'): MemoryCgroup[] {
  const membership = readText(join(root, 'proc/self/cgroup'));
  return (membership === undefined ? [] : parseProcCgroup(membership)).flatMap(
    ({ controllers, path }): MemoryCgroup[] => {
      if (controllers.length === 0) return [{ version: 2, mount: join(root, 'sys/fs/cgroup'), path }];
      return controllers.includes('memory') ? [{ version: 1, mount: join(root, 'sys/fs/cgroup/memory'), path }] : [];
    },
  );
}

/**
 * The memory limit of this process's cgroup in bytes (v2 `memory.max`, else v1 `memory.limit_in_bytes`), the tightest
 * of its group and their ancestors; undefined when unlimited or absent. The limit holds for all the processes of the
 * group together (a container's, a pod's): the primary and every app process.
 *
 * @param root - filesystem root to read /proc and /sys from; tests point it at fixture trees.
 */
export function cgroupMemoryLimit(root = '/'): number | undefined {
  for (const { version, mount, path } of memoryCgroups(root)) {
    const file = version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
    const limits = ancestors(path)
      .map((p) => parseLimit(readText(join(mount, p, file))))
      .filter((n): n is number => n !== undefined);
    if (limits.length > 0) return Math.min(...limits);
  }
  return undefined;
}

// v2 writes "max"; v1 "unlimited" is the largest page-aligned 64-bit count (9223372036854771712).
function parseLimit(text: string | undefined): number | undefined {
  const value = Number(text?.trim());
  return text === undefined || !Number.isFinite(value) || value <= 0 || value >= 2 ** 62 ? undefined : value;
}

/**
 * The warning for a `maxMemoryRestart` the cgroup's memory limit never lets `processes` app processes reach together:
 * the limit holds for all of them (and the primary), so the kernel's OOM killer (or V8's heap limit, which Node sizes
 * from the cgroup's) ends a process first, a crash rather than a replacement. `hive deploy`'s rule: limit x processes
 * not below the cgroup's. Undefined when below, or there is no cgroup limit.
 *
 * @param root - filesystem root to read /proc and /sys from; tests point it at fixture trees.
 */
export function memoryLimitWarning(
  maxMemoryRestart: number | undefined,
  { processes = 1, root = '/' }: { processes?: number; root?: string } = {},
): string | undefined {
  if (maxMemoryRestart === undefined) return undefined;
  const cgroup = cgroupMemoryLimit(root);
  const count = Math.max(1, processes);
  if (cgroup === undefined || maxMemoryRestart * count < cgroup) return undefined;
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  const each = count === 1 ? '' : ` for each of ${count} processes`;
  // The replacement starts beside the process it replaces: one more process's worth of room.
  const room = `; set it lower: about ${mib(cgroup / (count + 1))} leaves room for a replacement starting beside them`;
  return (
    `maxMemoryRestart (${mib(maxMemoryRestart)})${each} is not below this cgroup's memory limit (${mib(cgroup)}, ` +
    `shared by all its processes): the OOM killer or the V8 heap limit ends a process before it is replaced${room}`
  );
}
