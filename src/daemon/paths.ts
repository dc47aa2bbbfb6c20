import { accessSync, chmodSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { unixSocketPathOverLimit } from '../unix-socket-path.js';
import { DaemonSocketPathError, HiveHomeNotWritableError } from './errors.js';
import { checkHomeFolders } from './home-safety.js';

/** Where the daemon of this user keeps its socket, log, app logs and saved app list. */
export interface HivePaths {
  home: string;
  socket: string;
  /** The lock only the running daemon holds (files `daemon.lock.<n>` holding its pid); see cluster/pid-lock.ts. */
  lock: string;
  /**
   * The running daemon's pid, as a plain number (PM2's pm2.pid): for systemd's PIDFile= (`hive startup`), which
   * the lock's generation files cannot be. Written before the socket listens, removed as the daemon exits.
   */
  pidFile: string;
  daemonLog: string;
  logs: string;
  dump: string;
}

/** `$HIVE_HOME`, or `~/.hive`. */
export function hivePaths(env: NodeJS.ProcessEnv = process.env): HivePaths {
  const home = resolve(env.HIVE_HOME || join(homedir(), '.hive'));
  return {
    home,
    socket: join(home, 'daemon.sock'),
    lock: join(home, 'daemon.lock'),
    pidFile: join(home, 'daemon.pid'),
    daemonLog: join(home, 'daemon.log'),
    logs: join(home, 'logs'),
    dump: join(home, 'dump.json'),
  };
}

/**
 * Creates the home (mode 0700: the socket inside accepts commands that run code) and its logs folder; throws
 * HiveHomeUnsafeError when either is another user's or writable by others (see home-safety.ts), and
 * HiveHomeNotWritableError when either cannot be written (a read-only disk, no permission).
 */
export function ensureHome(paths: HivePaths): void {
  try {
    mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw notWritable(paths, error as NodeJS.ErrnoException) ?? error;
  }
  // After the mkdir: a home someone else created between a check and the mkdir is caught too.
  checkHomeFolders(paths);
  for (const folder of [paths.home, paths.logs]) {
    try {
      // mkdir's mode is masked by umask and leaves an existing folder alone. Only when it changes something: on a
      // read-only disk a chmod fails (EROFS) even to the mode a folder has.
      if ((statSync(folder).mode & 0o7777) !== 0o700) chmodSync(folder, 0o700);
      // Here rather than at the daemon's first write (its pid file, its log), which says nothing of the home.
      accessSync(folder, constants.W_OK);
    } catch (error) {
      throw notWritable(paths, error as NodeJS.ErrnoException, folder) ?? error;
    }
  }
}

/** Throws DaemonSocketPathError when the daemon's socket path is too long to listen on (sun_path). */
export function checkSocketPathLength(paths: HivePaths): void {
  const bytes = unixSocketPathOverLimit(paths.socket);
  if (bytes !== undefined) throw DaemonSocketPathError.tooLong(paths.socket, bytes);
}

// The HiveHomeNotWritableError a failure to make or write `path` (the home or its logs folder) is, or undefined for
// another failure. Found by a write check of the nearest folder that exists: Node's recursive mkdir reports a read-only
// disk as ENOENT.
function notWritable(
  paths: HivePaths,
  error: NodeJS.ErrnoException,
  path = paths.logs,
): HiveHomeNotWritableError | undefined {
  let folder = path;
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  let cause = error;
  try {
    accessSync(folder, constants.W_OK);
    if (!UNWRITABLE.has(error.code ?? '')) return undefined;
  } catch (accessError) {
    cause = accessError as NodeJS.ErrnoException;
    if (!UNWRITABLE.has(cause.code ?? '')) return undefined;
  }
  const where =
    folder === paths.home
      ? 'it'
      : folder === paths.logs
        ? `its logs folder ${folder}`
        : `${folder}, where it would be made,`;
  return new HiveHomeNotWritableError(paths.home, folder, where, cause);
}

const UNWRITABLE = new Set(['EROFS', 'EACCES', 'EPERM']);

/**
 * Makes the logs folder again, as ensureHome made it (0700), when it was removed while the daemon runs (`rm -rf
 * ~/.hive/logs` to free a disk): rotating-file-stream, which makes a log's missing folders, makes them with the umask's
 * mode (0755), and every user could list the apps' log names. Quiet when it cannot: the log's own open fails then, and
 * says so.
 */
export function remakeLogsFolder(logs: string): void {
  try {
    const made = mkdirSync(logs, { recursive: true, mode: 0o700 });
    // mkdir's mode is masked by umask; one made by someone else meanwhile is theirs to keep.
    if (made !== undefined) chmodSync(logs, 0o700);
  } catch {}
}
