import { constants } from 'node:fs';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isAlive } from '../cluster/proc-stat.js';

/** The temporary file a save of `file` writes before renaming it over `file` (see AppTable#save). */
export function dumpTemporary(file: string, pid: number, save: number): string {
  return `${file}.${pid}.${save}.tmp`;
}

/**
 * Writes `text` to `target` (0600) whole: to `temporary` first, flushed to the disk, then renamed over `target`, so that
 * a crash or a power cut mid-write leaves the previous file, never a truncated or empty one. For the saves of the dump
 * and its backup (AppTable#save), and the dump `hive update` puts back.
 */
export async function writeWhole(target: string, text: string, temporary: string): Promise<void> {
  try {
    // Exclusive and not through a symlink: the name is guessable, and the folder may not be only ours (a custom file).
    const handle = await open(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Removes the temporaries of `file` that a daemon killed mid-save left (`<file>.<pid>.<n>.tmp`, its pid no longer
 * running): nothing else renames them, and each holds the env values of every app. Only names of that pattern, and
 * never one of a live process (this daemon's own saves, or another daemon's sharing a custom file). Best effort: a
 * file it cannot list or remove is left.
 */
export async function removeStaleTemporaries(file: string): Promise<void> {
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || (pid > 0 && isAlive(pid))) continue;
    await rm(join(dirname(file), name), { force: true }).catch(() => {});
  }
}
