import { procTable } from '../cluster/proc-stat.js';

/**
 * The pids whose parent is `parent`, from /proc (Linux; elsewhere none). For `hive kill --force`, which cannot ask a
 * hung daemon for its apps' primaries and reads them from the process table instead.
 */
export function childPids(parent: number): number[] {
  return procTable()
    .filter((entry) => entry.ppid === parent)
    .map((entry) => entry.pid);
}
