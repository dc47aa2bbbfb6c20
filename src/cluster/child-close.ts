import type { ChildProcess } from 'node:child_process';

/**
 * How long a plain child's output pipes may stay open after it exited: what it wrote before its exit is still read,
 * but a process that escaped its tree (`sleep 300 &` of a shell) holds them for good, and nothing may wait on it.
 */
export const CLOSE_GRACE_MS = 1_500;

/**
 * Resolves once `child`'s output has been read to the end (its 'close'), or `graceMs` after this call, when its
 * stdout and stderr are destroyed so that no descendant still holding them keeps anything waiting. Called after its
 * exit; `closed` is its 'close', listened to from before the exit (it may have come already).
 */
export async function closeAfterExit(
  child: ChildProcess,
  closed: Promise<void>,
  graceMs = CLOSE_GRACE_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const timedOut = await Promise.race([closed.then(() => false), late]);
  clearTimeout(timer);
  if (!timedOut) return;
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/** A promise of `child`'s 'close', to be made as it is spawned. */
export function closeOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('close', () => resolve()));
}
