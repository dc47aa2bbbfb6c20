import { readdirSync } from 'node:fs';
import { procStatFields } from '../cluster/proc-stat.js';

/**
 * The pids whose parent is `parent`, from /proc (Linux; elsewhere none). For `hive kill --force`, which cannot ask a
 * hung daemon for its apps' primaries and reads them from the process table instead.
 */
export function childPids(parent: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    if (procStatFields(Number(entry))?.[1] === String(parent)) children.push(Number(entry));
  }
  return children;
}
