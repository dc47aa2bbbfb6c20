// Ctrl-C or SIGTERM in the middle of a run must not leave a bench's daemons, apps and temp dirs behind: the daemons
// are detached (their own process group), so the terminal's SIGINT never reaches them, and no `finally` runs when a
// signal ends the process. A bench registers here what to undo as it starts things; on the first SIGINT or SIGTERM
// that is undone, last registered first, and the bench exits 128 + the signal's number (130, 143). A second signal
// exits at once, for a cleanup that hangs.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

const controller = new AbortController();
/** @type {Array<() => unknown>} */
const cleanups = [];
let installed = false;

/** Aborted on the first SIGINT or SIGTERM: from then on the bench starts nothing new. */
export const interrupted = controller.signal;

/**
 * Runs `cleanup` (awaited) if the bench is interrupted. Returns a function that unregisters it, for once the thing
 * it undoes is gone by the normal path.
 * @param {() => unknown} cleanup
 * @returns {() => void}
 */
export function onInterrupt(cleanup) {
  if (!installed) {
    installed = true;
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void interrupt(signal));
  }
  cleanups.push(cleanup);
  return () => {
    const at = cleanups.lastIndexOf(cleanup);
    if (at !== -1) cleanups.splice(at, 1);
  };
}

/**
 * Something with a `stop()` being started (a promise of it), stopped on an interrupt even while it still starts.
 * Resolves to it, its `stop()` also unregistering it.
 * @template {{ stop: () => Promise<void> }} T
 * @param {Promise<T>} starting
 * @returns {Promise<T>}
 */
export async function stopOnInterrupt(starting) {
  const dispose = onInterrupt(async () => (await starting.catch(() => undefined))?.stop());
  let started;
  try {
    started = await starting;
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    ...started,
    stop: async () => {
      try {
        await started.stop();
      } finally {
        dispose();
      }
    },
  };
}

/**
 * A new temp dir under the OS's (`prefix` + random), removed on an interrupt or by `remove()`, which also unregisters it.
 * @param {string} prefix
 * @returns {{ path: string, remove: () => void }}
 */
export function tempDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const rm = () => rmSync(path, { recursive: true, force: true });
  const dispose = onInterrupt(rm);
  return {
    path,
    remove: () => {
      dispose();
      rm();
    },
  };
}

/**
 * Sends `signal` to a spawned child on an interrupt and waits for it to close: a SIGTERM to the bench alone (not its
 * process group, as a terminal's Ctrl-C is) would leave it running. Returns the function that unregisters it.
 * @param {import('node:child_process').ChildProcess} child
 * @param {NodeJS.Signals} [signal]
 * @returns {() => void}
 */
export function killOnInterrupt(child, signal = 'SIGTERM') {
  return onInterrupt(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = once(child, 'close');
    child.kill(signal);
    await closed;
  });
}

async function interrupt(signal) {
  const code = 128 + constants.signals[signal];
  if (interrupted.aborted) process.exit(code);
  process.stderr.write(`\n${signal}: stopping what the bench started (${signal} again exits at once)\n`);
  controller.abort(new Error(`interrupted by ${signal}`));
  // A cleanup registered meanwhile (a start already under way) is run too.
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()();
    } catch (error) {
      process.stderr.write(`cleanup failed: ${error?.message ?? error}\n`);
    }
  }
  process.exit(code);
}
