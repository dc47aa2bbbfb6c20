import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

/**
 * SIGKILLs `child` when this process exits (process.exit(), the end of the event loop, an uncaught exception), if it
 * is still running: one 'exit' listener for every pool child of the process, and synchronous, as 'exit' requires.
 * A SIGKILL of this process runs no listener: the child's watchdog (host-watchdog.ts) covers that.
 */
export function killOnExit(child: ChildProcess): void {
  if (live.size === 0) process.on('exit', killAll);
  live.add(child);
  child.once('exit', () => {
    live.delete(child);
    if (live.size === 0) process.off('exit', killAll);
  });
}

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
