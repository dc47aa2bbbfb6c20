import type { ChildProcess } from 'node:child_process';
import { ProcessTree } from '../cluster/process-tree.js';

/**
 * SIGKILLs `child` and every process below it (a primary and its workers, and theirs), each known by pid and start
 * time (see ProcessTree): read before the SIGKILL, since /proc no longer ties the orphans to it once it has died.
 */
export function killTree(child: ChildProcess): void {
  const tree = child.pid === undefined ? undefined : new ProcessTree(child.pid);
  child.kill('SIGKILL');
  tree?.signal('SIGKILL');
  tree?.stopTracking();
}
