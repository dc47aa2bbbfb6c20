import { lstatSync, type Stats, statSync } from 'node:fs';
import { HiveHomeUnsafeError } from './errors.js';
import type { HivePaths } from './paths.js';

const OWN_FOLDER_ADVICE =
  'use a folder of your own: unset HIVE_HOME (for ~/.hive) or point it at a new folder, which Hive creates with mode 0700';

/**
 * Refuses a HIVE_HOME another user controls, before anything in it is trusted: its socket is the daemon the CLI
 * sends the shell's env to, and its files are the ones the daemon writes and truncates. A home that does not exist
 * yet passes (ensureHome creates it, and checks it again). Like tmux's socket folder check, only the owner and the
 * group and other write bits count: a home of mode 0755 is fine.
 */
export function checkHome(paths: HivePaths): void {
  checkFolder(paths.home, 'HIVE_HOME');
  checkSocketOwner(paths.socket);
}

/** The check of the home and of its logs folder, without the socket: for ensureHome, which creates them. */
export function checkHomeFolders(paths: HivePaths): void {
  checkFolder(paths.home, 'HIVE_HOME');
  checkFolder(paths.logs, 'the logs folder');
}

/** Refuses a `daemon.sock` of another user: in a home of one's own, one that root or a `sudo` daemon left there. */
export function checkSocketOwner(socket: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const stats = statOrUndefined(() => lstatSync(socket));
  if (stats === undefined || stats.uid === uid) return;
  throw new HiveHomeUnsafeError(
    socket,
    `is owned by uid ${stats.uid}, not by this user (uid ${uid}): it may not be your daemon, so nothing is sent to it`,
    OWN_FOLDER_ADVICE,
  );
}

function checkFolder(path: string, what: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const link = statOrUndefined(() => lstatSync(path));
  if (link === undefined) return;
  // A link's owner could point it elsewhere after the check: it must be ours too (root's links are trusted).
  if (link.isSymbolicLink() && link.uid !== uid && link.uid !== 0) {
    throw new HiveHomeUnsafeError(
      path,
      `(${what}) is a symbolic link owned by uid ${link.uid}, not by this user (uid ${uid})`,
      OWN_FOLDER_ADVICE,
    );
  }
  const stats = link.isSymbolicLink() ? statOrUndefined(() => statSync(path)) : link;
  if (stats === undefined) return;
  if (stats.uid !== uid) {
    throw new HiveHomeUnsafeError(
      path,
      `(${what}) is owned by uid ${stats.uid}, not by this user (uid ${uid})`,
      OWN_FOLDER_ADVICE,
    );
  }
  if ((stats.mode & 0o022) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
    throw new HiveHomeUnsafeError(
      path,
      `(${what}) is writable by ${stats.mode & 0o020 ? 'its group' : ''}${(stats.mode & 0o022) === 0o022 ? ' and ' : ''}${stats.mode & 0o002 ? 'other users' : ''} (mode ${mode})`,
      `another user could have replaced daemon.sock or planted symlinks there; check its content, then \`chmod 700 ${path}\``,
    );
  }
}

function statOrUndefined(stat: () => Stats): Stats | undefined {
  try {
    return stat();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
