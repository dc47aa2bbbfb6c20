import { lstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { readDump, type SavedApp } from './dump.js';
import { DUMP_INVALID_ADVICE, DumpInvalidError } from './errors.js';

/**
 * The previous good dump of `file` (PM2's dump.pm2.bak): each save copies the dump it replaces there first, when that
 * dump reads back; one that does not would replace the backup a resurrect may need.
 */
export function dumpBackup(file: string): string {
  return `${file}.bak`;
}

/**
 * Whether nothing is at `file`'s path, not even a symlink: the saved apps forgotten, and a resurrect starts none (the
 * backup is not read, see readSavedApps). A symlink whose target is missing (a volume not mounted yet at boot) is a
 * dump that cannot be read.
 */
export function dumpRemoved(file: string): boolean {
  try {
    lstatSync(file);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/** The text of the dump at `file` when it reads back as a dump, else undefined (none, unreadable, invalid). */
export async function goodDumpText(file: string): Promise<string | undefined> {
  try {
    const text = await readFile(file, 'utf8');
    readDump(file, text);
    return text;
  } catch {
    return undefined;
  }
}

/** Told when a resurrect reads the backup instead of the dump: why, in a line for the user, and the backup read. */
export type BackupWarning = (warning: string, backup: string) => void;

/**
 * The apps saved in `file`, or, when it cannot be read or is not a valid dump, those of its backup, `warn` told which
 * and why (as PM2's resurrect falls back to dump.pm2.bak). A missing `file` is not read from the backup: removing
 * dump.json is how the saved apps are forgotten. Both failing: DumpInvalidError of `file`, saying the backup failed
 * too; no backup: the error of `file`, as before backups.
 */
export async function readSavedApps(file: string, warn: BackupWarning): Promise<SavedApp[]> {
  let failure: unknown;
  try {
    return readDump(file, await readFile(file, 'utf8'));
  } catch (error) {
    failure = error;
  }
  const backup = dumpBackup(file);
  const reason =
    failure instanceof DumpInvalidError ? failure.reason : `cannot be read (${(failure as Error).message})`;
  let apps: SavedApp[];
  try {
    apps = readDump(backup, await readFile(backup, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw failure;
    const why = error instanceof DumpInvalidError ? error.reason : `cannot be read (${(error as Error).message})`;
    throw new DumpInvalidError(file, reason, {
      cause: failure,
      advice: `nor is its backup ${backup} (the dump before the last save): ${why}; ${DUMP_INVALID_ADVICE}`,
    });
  }
  warn(
    `${file} is not a dump it can read: ${reason}; resurrecting ${backup}, the dump before the last save, instead`,
    backup,
  );
  return apps;
}
