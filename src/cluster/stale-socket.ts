import { lstatSync, statSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { SocketInUseError, SocketPathError } from './errors.js';
import { acquirePidLock, type PidLock, type PidLockResult } from './pid-lock.js';

/**
 * Claims `path` for this primary's workers before the first one listens: takes the lock `<path>.lock` (files
 * `<path>.lock.<n>` beside the socket) and, under it, removes a socket file nobody answers on (left by a primary that
 * was SIGKILLed, since only a clean close removes it). Another primary holding the lock, a live socket, a file that is
 * not a socket or a missing folder are errors, so that Hive never deletes what it did not make or steals a running
 * app's socket.
 *
 * @returns the lock, which the caller holds for as long as its workers may serve on `path` and then releases (a
 *   holder that dies, SIGKILL included, no longer holds it); undefined where no lock file can be made.
 */
export async function claimSocket(path: string): Promise<PidLock | undefined> {
  assertFolder(path);
  // Held for the primary's life, not only around the check and the delete: libuv creates the socket file a moment
  // before it accepts on it, and a second primary probing in that moment would find it stale and delete a live
  // socket, leaving the first primary's workers listening on a path that no longer exists.
  let claim: PidLockResult | undefined;
  try {
    claim = acquirePidLock(`${path}.lock`);
  } catch {
    // A folder no lock file can be made in is one no socket can be bound in either, and no other primary can delete
    // from: there is no race to close, and the worker's bind reports the cause (EACCES, EROFS) as before.
  }
  if (claim?.acquired === false) {
    throw new SocketInUseError(path, `the Hive primary pid ${claim.holder} runs on it`);
  }
  const lock = claim?.lock;
  try {
    await clearStale(path);
  } catch (error) {
    lock?.release();
    throw error;
  }
  return lock;
}

/** Removes the socket file at `path` when nobody answers on it (missing: nothing to do). */
async function clearStale(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new SocketPathError(path, (error as Error).message);
    return;
  }
  if (!isSocket)
    throw new SocketPathError(path, 'a file that is not a socket is in the way; remove it or pick another path');
  const answer = await probe(path);
  if (answer === 'live') throw new SocketInUseError(path, 'a process accepts connections on it');
  if (answer !== 'stale') throw new SocketPathError(path, answer);
  unlinkSync(path);
}

function assertFolder(path: string): void {
  const folder = dirname(path);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {}
  if (!isFolder) throw new SocketPathError(path, `the folder ${folder} does not exist; create it first`);
}

/** 'live' when something accepts on the socket, 'stale' when nothing listens, else why it could not be told. */
function probe(path: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED' ? 'stale' : error.message);
    });
  });
}
