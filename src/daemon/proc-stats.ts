import { readFileSync } from 'node:fs';
import { procStatFields } from '../cluster/proc-stat.js';

// Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream architecture.
const TICKS_PER_SECOND = 100;
const PAGE_SIZE = 4096;

interface Sample {
  ticks: number;
  at: number;
  cpu: number;
}

/** A process's CPU (% of one core) and resident memory (bytes); nulls when it is gone or elsewhere than Linux. */
export interface ProcessUsage {
  cpu: number | null;
  memory: number | null;
}

/**
 * CPU and memory of processes from /proc (no native module, no `ps` per call). CPU is the share of one core since the
 * previous sample of the same pid (the first sample averages over the process's life). Elsewhere than Linux: nulls.
 */
export class ProcStats {
  #last = new Map<number, Sample>();

  /** Measures the pid's CPU since its previous sample and starts its next window: for one sampler only. */
  sample(pid: number): ProcessUsage {
    const read = readProcess(pid);
    if (read === undefined) {
      this.#last.delete(pid);
      return { cpu: null, memory: null };
    }
    const { fields, ticks, memory } = read;
    const now = Date.now();
    const previous = this.#last.get(pid);
    let cpu: number;
    if (previous && now > previous.at) {
      cpu = round(((ticks - previous.ticks) / TICKS_PER_SECOND / ((now - previous.at) / 1000)) * 100);
    } else if (previous) {
      // Sampled twice within a millisecond: no window to measure, the previous figure stands.
      return { cpu: previous.cpu, memory };
    } else {
      cpu = lifeAverage(fields, ticks);
    }
    this.#last.set(pid, { ticks, at: now, cpu });
    return { cpu, memory };
  }

  /**
   * The pid's CPU as its last {@link sample} measured it (the average over its life when it was never sampled yet) and
   * its memory now. Never moves a window: any number of readers (`hive ls`, the live views, each probe of the metrics
   * endpoint) get the same figure, where each sampling would cut the window of the next to a few ms (0%, or a spike).
   */
  read(pid: number): ProcessUsage {
    const read = readProcess(pid);
    if (read === undefined) return { cpu: null, memory: null };
    return { cpu: this.#last.get(pid)?.cpu ?? lifeAverage(read.fields, read.ticks), memory: read.memory };
  }

  /**
   * The CPU time (user + system, seconds) and resident memory (bytes, null when unreadable) of a process since it
   * started, or undefined when it is gone: what a Prometheus counter wants, with no effect on {@link sample}'s windows.
   */
  usage(pid: number): { cpuSeconds: number; memory: number | null } | undefined {
    const read = readProcess(pid);
    return read && { cpuSeconds: read.ticks / TICKS_PER_SECOND, memory: read.memory };
  }

  /** Forgets pids that are gone. */
  retain(pids: Set<number>): void {
    for (const pid of this.#last.keys()) if (!pids.has(pid)) this.#last.delete(pid);
  }
}

function lifeAverage(fields: string[], ticks: number): number {
  const startTicks = Number(fields[19]);
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const life = uptime - startTicks / TICKS_PER_SECOND;
  return life > 0 ? round((ticks / TICKS_PER_SECOND / life) * 100) : 0;
}

function round(cpu: number): number {
  return Math.max(0, Math.round(cpu * 10) / 10);
}

function readProcess(pid: number): { fields: string[]; ticks: number; memory: number | null } | undefined {
  const fields = procStatFields(pid);
  let statm: string | undefined;
  try {
    statm = readFileSync(`/proc/${pid}/statm`, 'utf8');
  } catch {}
  if (fields === undefined || statm === undefined) return undefined;
  const memory = Number(statm.split(' ')[1]) * PAGE_SIZE;
  return { fields, ticks: Number(fields[11]) + Number(fields[12]), memory: Number.isFinite(memory) ? memory : null };
}
