import { linkSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isAlive, procStatFields } from './proc-stat.js';
import { writeTemp } from './temp-file.js';

/**
 * An exclusive lock held by a live process, for what only one process may own at a time (the daemon of a HIVE_HOME,
 * the primary on a `--socket` path), that needs no cleanup after a crash: a holder that died (SIGKILL included) no
 * longer holds it.
 *
 * Why generations and not one `wx` file: taking over a dead holder's single file means deleting it, and two processes
 * that both saw it dead would both delete and recreate it, the second deleting the first's fresh lock (the very race
 * this lock exists to close). Here nothing is ever taken over in place: the lock is the newest of `<name>.<n>` files,
 * each made complete and atomically by link(2), which fails when `<name>.<n>` exists. A process that finds the newest
 * one's holder dead (or released) claims `<name>.<n+1>`; of all the processes that saw the same dead holder exactly
 * one can create it. The newest file is never deleted, so a claim on a lower, since-deleted number is seen and undone.
 */
export interface PidLock {
  /** The file that holds this process's pid while it holds the lock. */
  readonly file: string;
  /** Gives the lock up (idempotent); the next claimant need not wait for this process to exit. */
  release(): void;
}

/** What {@link acquirePidLock} found: the lock, or the live process that holds it. */
export type PidLockResult = { acquired: true; lock: PidLock } | { acquired: false; holder: number };

const RELEASED = 'released';
// Each turn of the loop is lost only to another process that made progress (claimed or freed the lock), so it ends;
// the bound turns a bug into an error instead of a spin.
const MAX_TURNS = 1000;

/**
 * Takes the lock `path` (its files are `path.<n>` in the same folder, which must exist) for this process, or says
 * which live process holds it. Synchronous, so that nothing else of the caller runs between the claim and its check.
 */
export function acquirePidLock(path: string): PidLockResult {
  const folder = dirname(path);
  const name = basename(path);
  const me = identity(process.pid);
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const newest = generations(folder, name).at(-1) ?? 0;
    if (newest > 0) {
      const holder = holderOf(join(folder, `${name}.${newest}`));
      if (holder === 'gone') continue;
      if (holder !== undefined && holder !== process.pid) return { acquired: false, holder };
    }
    const mine = newest + 1;
    const file = join(folder, `${name}.${mine}`);
    if (!createExclusive(file, me)) continue;
    const after = generations(folder, name);
    // A claim below the newest number lands in a hole left by cleanup: someone else's newer file decides.
    if ((after.at(-1) ?? 0) > mine) {
      unlinkQuietly(file);
      continue;
    }
    for (const older of after) if (older < mine) unlinkQuietly(join(folder, `${name}.${older}`));
    let released = false;
    const lock: PidLock = {
      file,
      release() {
        if (released) return;
        released = true;
        // Atomic replace: a reader sees this process's pid or `released`, never a half-written file.
        let temp: string | undefined;
        try {
          temp = writeTemp(file, `${RELEASED}\n`);
          renameSync(temp, file);
        } catch {
          if (temp !== undefined) unlinkQuietly(temp);
        }
      },
    };
    return { acquired: true, lock };
  }
  throw new Error(`could not settle the lock ${path} in ${MAX_TURNS} tries`);
}

/** The pid of the live process holding the lock `path`, or undefined when nobody does. */
export function pidLockHolder(path: string): number | undefined {
  const folder = dirname(path);
  const name = basename(path);
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const newest = generations(folder, name).at(-1);
    if (newest === undefined) return undefined;
    const holder = holderOf(join(folder, `${name}.${newest}`));
    if (holder !== 'gone') return holder;
  }
  return undefined;
}

/** The lock's generation numbers in `folder`, ascending. */
function generations(folder: string, name: string): number[] {
  const prefix = `${name}.`;
  const numbers: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch (error) {
    // No folder, no lock (a HIVE_HOME never used); acquiring then fails where it writes, naming the path.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return numbers;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const rest = entry.slice(prefix.length);
    if (/^[1-9]\d*$/.test(rest)) numbers.push(Number(rest));
  }
  return numbers.sort((a, b) => a - b);
}

/** The live holder's pid; undefined when released or its holder is dead; 'gone' when the file vanished meanwhile. */
function holderOf(file: string): number | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const [pid, started] = text.trim().split(' ');
  const number = Number(pid);
  if (!Number.isSafeInteger(number) || number <= 0) return undefined;
  if (!isAlive(number)) return undefined;
  // Without a start time on either side (no /proc, or another user's hidden process) the pid alone decides.
  const now = identity(number);
  return started === undefined || !now.includes(' ') || now === text.trim() ? number : undefined;
}

/**
 * `pid` and, where /proc has it, the process's start time: a pid the kernel gave to another process after the holder
 * died then does not pass for the holder.
 */
function identity(pid: number): string {
  const started = procStatFields(pid)?.[19];
  return started ? `${pid} ${started}` : `${pid}`;
}

/** Creates `file` holding `content`, complete from its first instant; false when it exists. */
function createExclusive(file: string, content: string): boolean {
  const temp = writeTemp(file, `${content}\n`);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {}
}
