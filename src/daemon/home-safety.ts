import { lstatSync, realpathSync, type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DaemonSocketPathError, HiveHomeUnsafeError } from './errors.js';
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
  checkAncestors(paths.home, 'HIVE_HOME');
  checkFolder(paths.home, 'HIVE_HOME');
  checkSocketOwner(paths.socket);
  checkSocketNotFolder(paths.socket);
}

/**
 * Refuses a directory at `daemon.sock`: no daemon can listen there, and one started over it refused to start only
 * after the CLI had waited 10 s for it (it crashed with EISDIR, named in daemon.log alone).
 */
export function checkSocketNotFolder(socket: string): void {
  if (statOrUndefined(() => lstatSync(socket))?.isDirectory()) throw new DaemonSocketPathError(socket);
}

/** The check of the home and of its logs folder, without the socket: for ensureHome, which creates them. */
export function checkHomeFolders(paths: HivePaths): void {
  checkAncestors(paths.home, 'HIVE_HOME');
  checkFolder(paths.home, 'HIVE_HOME');
  checkFolder(paths.logs, 'the logs folder');
  checkAncestors(paths.logs, 'the logs folder');
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

/**
 * Refuses a home inside a folder another user controls (as ssh's StrictModes checks the folders above
 * `~/.ssh`): whoever can write a folder above it can move the home away and put one of theirs, with symlinks at its
 * log files, in its place while the daemon runs, and the daemon then writes where they chose. Each folder above it,
 * as written and with symlinks resolved, must be this user's or root's, and writable by no one else unless sticky
 * (`/tmp`: there only an entry's owner can move it). `path` itself a symlink (a home or logs folder of one's own linked
 * elsewhere), the folders above its target are those that count.
 */
function checkAncestors(path: string, what: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  let real: string | undefined;
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    const stats = statOrUndefined(() => lstatSync(folder));
    if (stats !== undefined) {
      checkAncestor(path, what, folder, stats, uid);
      real ??= realpathSync(folder);
    }
    if (dirname(folder) === folder) break;
  }
  // The folder it is in once resolved: its target's when `path` is a symlink, which its own folder's path misses.
  if (statOrUndefined(() => statSync(path)) !== undefined) real = dirname(realpathSync(path));
  if (real === undefined) return;
  for (let folder = real; ; folder = dirname(folder)) {
    checkAncestor(path, what, folder, statSync(folder), uid);
    if (dirname(folder) === folder) break;
  }
}

function checkAncestor(path: string, what: string, folder: string, stats: Stats, uid: number): void {
  if (stats.uid !== uid && stats.uid !== 0) {
    throw new HiveHomeUnsafeError(
      path,
      `(${what}) is inside ${folder}, owned by uid ${stats.uid}, not by this user (uid ${uid}) or root: that user could put a folder of theirs in its place`,
      OWN_FOLDER_ADVICE,
    );
  }
  if (stats.isDirectory() && (stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0) {
    const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
    throw new HiveHomeUnsafeError(
      path,
      `(${what}) is inside ${folder}, writable by other users without the sticky bit (mode ${mode}): they could put a folder of theirs in its place`,
      OWN_FOLDER_ADVICE,
    );
  }
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
