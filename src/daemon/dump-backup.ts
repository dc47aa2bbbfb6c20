import { lstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { readDump, type SavedApp } from './dump.js';
import { DUMP_INVALID_ADVICE, DumpInvalidError, DumpReadError } from './errors.js';

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
 * dump.json is how the saved apps are forgotten. Both failing: the error of `file` (DumpReadError when it could not
 * be read, else DumpInvalidError), saying the backup failed too; no backup: the error of `file`, as before backups.
 * `how`: the command to run again once the dump reads, and what was left as it was, for a DumpReadError.
 */
export async function readSavedApps(
  file: string,
  warn: BackupWarning,
  how: { command: string; state: string },
): Promise<SavedApp[]> {
  let failure: unknown;
  try {
    return readDump(file, await readDumpFile(file, how));
  } catch (error) {
    failure = error;
  }
  const backup = dumpBackup(file);
  const reason = failedRead(failure);
  let apps: SavedApp[];
  try {
    apps = readDump(backup, await readFile(backup, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw failure;
    const why = failedRead(error);
    if (failure instanceof DumpReadError) {
      throw new DumpReadError(file, failure.cause as NodeJS.ErrnoException, {
        ...how,
        state: `nor can its backup ${backup} (the dump before the last save) be read: ${why}; ${how.state}`,
      });
    }
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

/** The text of the dump at `file`; a system error said as DumpReadError (see DumpReadError.of). */
async function readDumpFile(file: string, how: { command: string; state: string }): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw DumpReadError.of(file, error, how);
  }
}

// Why a dump (or its backup) was not read, without the file's name: what is wrong in it, or the system's error.
function failedRead(error: unknown): string {
  if (error instanceof DumpInvalidError) return error.reason;
  const cause = error instanceof DumpReadError ? error.cause : error;
  return `cannot be read (${(cause as Error).message})`;
}
