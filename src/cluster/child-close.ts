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

/**
 * How long a managed process's exit report waits for the end of its output pipes: what it wrote before the exit is
 * still in them when the primary held them (output-hold.ts), but a descendant that inherited them (a child spawned
 * with `stdio: 'inherit'`) keeps them open past the exit, and its lines go on being read after the report.
 */
export const OUTPUT_END_GRACE_MS = 250;

/**
 * Resolves once `child`'s stdout and stderr have been read to their end, or `graceMs` after this call; either way only
 * after a turn of the event loop that read them (a pipe just resumed is read in the loop's next poll, after this
 * turn's timers and before its immediates). Nothing is destroyed: a descendant's later output is still read.
 */
export async function outputEnded(child: ChildProcess, graceMs = OUTPUT_END_GRACE_MS): Promise<void> {
  const open = [child.stdout, child.stderr].filter((pipe) => pipe && !pipe.readableEnded && !pipe.destroyed);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(open.map((pipe) => new Promise((resolve) => pipe!.once('end', resolve).once('close', resolve)))),
    new Promise((resolve) => {
      timer = setTimeout(resolve, graceMs);
    }),
  ]);
  clearTimeout(timer);
  await new Promise((resolve) => setImmediate(resolve));
}

/** A promise of `child`'s 'close', to be made as it is spawned. */
export function closeOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('close', () => resolve()));
}
