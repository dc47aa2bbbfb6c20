import { mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from './poll.js';

/** A v1 controller hierarchy the tests make groups in. */
export type CgroupController = 'cpu' | 'memory';

/**
 * Why a group of its own cannot be made under `controller` here, or undefined when it can: Linux, root, and a
 * writable v1 hierarchy (made and removed once to know). `name` keeps the probe apart from other tests' groups.
 */
export function cgroupV1Unavailable(controller: CgroupController, name: string): string | undefined {
  if (process.platform !== 'linux') return 'cgroups are Linux only';
  if (process.getuid?.() !== 0) return 'needs root to create cgroups';
  const probe = `/sys/fs/cgroup/${controller}/${name}-probe-${process.pid}`;
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    return `no writable cgroup v1 ${controller} hierarchy (${(error as Error).message})`;
  }
  return undefined;
}

/** A v1 group made for a test: its directory, and how to remove it. */
export interface CgroupV1 {
  path: string;
  /** Waits until no process is left in the group (only then can it go), and removes it. */
  remove(): Promise<void>;
}

/** Makes the group `<name>-<pid>` under `controller`; the caller removes it once all it started there has ended. */
export function makeCgroupV1(controller: CgroupController, name: string): CgroupV1 {
  const path = `/sys/fs/cgroup/${controller}/${name}-${process.pid}`;
  mkdirSync(path);
  return {
    path,
    async remove() {
      await poll(() => readFileSync(join(path, 'cgroup.procs'), 'utf8').trim() === '', 'the cgroup emptied', {
        timeoutMs: 30_000,
        everyMs: 100,
      });
      rmdirSync(path);
    },
  };
}
