import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/**
 * The number of cores this process may really use: the affinity mask, lowered by a cgroup CPU quota when one is set
 * (containers and Kubernetes CPU limits set a quota, not an affinity mask, so `os.cpus().length` over-counts there and
 * a pool or cluster sized from it thrashes).
 *
 * @param root - filesystem root to read /proc and /sys from; tests point it at fixture trees.
 */
export function availableCores(root = '/'): number {
  const affinity = affinityCount(root);
  const quota = cgroupCpuLimit(root);
  return quota === undefined ? affinity : Math.max(1, Math.min(affinity, quota));
}

// The affinity mask from /proc (Linux), else os.availableParallelism(). Not the latter first: from libuv 1.49 (Node
// 22.12, 23.x, 24) it also applies a cgroup v2 quota, rounded down (1.5 cores: 1), which would undo the rounding up
// below on those Node versions only: the same container would run 2 processes on Node 20 and 1 on Node 24.
function affinityCount(root: string): number {
  const allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(readText(join(root, 'proc/self/status')) ?? '')?.[1];
  let count = 0;
  for (const range of allowed?.split(',') ?? []) {
    const [from, to = from] = range.split('-').map(Number);
    if (from === undefined || to === undefined || !(to >= from)) return availableParallelism();
    count += to - from + 1;
  }
  return count > 0 ? count : availableParallelism();
}

/**
 * The cgroup (v2, else v1) CPU quota of this process in whole cores, rounded up; undefined when unlimited or absent.
 */
export function cgroupCpuLimit(root = '/'): number | undefined {
  const membership = readText(join(root, 'proc/self/cgroup'));
  if (membership === undefined) return undefined;
  const groups = parseProcCgroup(membership);
  // v2: the limit may sit on the process's own group or any ancestor; the tightest wins. On a hybrid host the `0::`
  // line comes with v1 lines, in any order, and the cpu controller is on v1: no cpu.max there, so v1 is read next.
  const unified = groups.find((group) => group.controllers.length === 0);
  if (unified !== undefined) {
    const limit = tightest(
      ancestors(unified.path).map((p) => parseCpuMax(readText(join(root, 'sys/fs/cgroup', p, 'cpu.max')))),
    );
    if (limit !== undefined) return limit;
  }
  for (const { controllers, path } of groups) {
    if (controllers.includes('cpu')) {
      // As in v2, the quota may sit on an ancestor (a systemd slice, a Kubernetes pod) while the own group says -1:
      // the tightest wins. Inside a container the mount root is the container's own group ('/' of ancestors()).
      for (const dir of ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']) {
        const base = join(root, 'sys/fs/cgroup', dir);
        const quotas = ancestors(path).map((p) => {
          const quota = readText(join(base, p, 'cpu.cfs_quota_us'));
          return quota === undefined ? undefined : { quota, period: readText(join(base, p, 'cpu.cfs_period_us')) };
        });
        if (quotas.every((q) => q === undefined)) continue;
        return tightest(quotas.map((q) => (q === undefined ? undefined : parseCfsQuota(q.quota, q.period))));
      }
    }
  }
  return undefined;
}

/** Parses /proc/self/cgroup lines `id:controllers:path`. */
export function parseProcCgroup(text: string): { controllers: string[]; path: string }[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [, controllers = '', ...rest] = line.split(':');
      return { controllers: controllers === '' ? [] : controllers.split(','), path: rest.join(':') || '/' };
    });
}

/** Parses cgroup v2 `cpu.max` ("max 100000" or "150000 100000") into whole cores, rounded up. */
export function parseCpuMax(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const [quota, period = '100000'] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  return toCores(Number(quota), Number(period));
}

/** Parses cgroup v1 `cpu.cfs_quota_us` (-1 = unlimited) and `cpu.cfs_period_us` into whole cores, rounded up. */
export function parseCfsQuota(quotaText: string, periodText: string | undefined): number | undefined {
  return toCores(Number(quotaText.trim()), Number((periodText ?? '100000').trim()));
}

function toCores(quota: number, period: number): number | undefined {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return undefined;
  return Math.max(1, Math.ceil(quota / period));
}

/** A cgroup path and its ancestors up to the root (`/a/b`: `/a`, `/a/b`, `/`). */
export function ancestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`).concat('/');
}

function tightest(limits: (number | undefined)[]): number | undefined {
  const set = limits.filter((n): n is number => n !== undefined);
  return set.length === 0 ? undefined : Math.min(...set);
}

/** A file's text, or undefined when it cannot be read (absent, no permission). */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
