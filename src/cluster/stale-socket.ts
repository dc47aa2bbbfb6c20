import { lstatSync, statSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { SocketInUseError, SocketPathError } from './errors.js';
import { acquirePidLock, type PidLockResult } from './pid-lock.js';

/**
 * Makes `path` free for the app's socket before the first worker listens: a socket file nobody answers on (left by a
 * primary that was SIGKILLed, since only a clean close removes it) is removed; a live one, a file that is not a
 * socket or a missing folder are errors, so that Hive never deletes what it did not make or steals a running app's
 * socket.
 */
export async function clearStaleSocket(path: string): Promise<void> {
  assertFolder(path);
  // The check and the delete are one step under a lock (files `<path>.lock.<n>` beside the socket): two primaries
  // started on one path would otherwise both find a stale file, and the second would delete the first's new socket.
  let claim: PidLockResult | undefined;
  try {
    claim = acquirePidLock(`${path}.lock`);
  } catch {
    // A folder no lock file can be made in is one no socket can be bound in either, and no other primary can delete
    // from: there is no race to close, and the worker's bind reports the cause (EACCES, EROFS) as before.
  }
  if (claim?.acquired === false) {
    throw new SocketInUseError(path, `Hive primary pid ${claim.holder} is starting on it`);
  }
  try {
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
  } finally {
    if (claim?.acquired) claim.lock.release();
  }
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
