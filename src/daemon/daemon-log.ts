import { constants, copyFileSync, fstatSync, rmSync, statSync, truncateSync } from 'node:fs';

/** daemon.log's bound, bytes: past it, the file is copied to daemon.log.1 (the one old copy kept) and emptied. */
export const DAEMON_LOG_LIMIT = 10 * 1024 * 1024;

// After a rotation that failed (a full disk), the next try waits this long rather than come with every line.
const RETRY_DELAY = 60_000;

/**
 * Keeps daemon.log under {@link DAEMON_LOG_LIMIT}. The daemon's stdout and stderr are that file, opened by the CLI
 * that started it (client.ts), so rotation-by-rename (rotating-file-stream's, as the app logs have) would leave them
 * writing into the renamed file: Node cannot point an open descriptor at a new file. Copy-then-truncate keeps the
 * descriptors on daemon.log, and they are O_APPEND, so the next line lands at the start of the emptied file. Done
 * synchronously before a daemon line is written (file writes to stdout are synchronous too), no daemon line falls
 * between the copy and the truncation.
 */
export class DaemonLogRotation {
  #file: string;
  #fd: number;
  #limit: number;
  #failedAt = Number.NEGATIVE_INFINITY;

  /** `fd`: the descriptor the daemon logs to; only when it is the regular file at `file` is anything rotated. */
  constructor(file: string, fd = 1, limit = DAEMON_LOG_LIMIT) {
    this.#file = file;
    this.#fd = fd;
    this.#limit = limit;
  }

  /** Rotates the file when it is over the bound; never throws (the daemon logs on, unrotated, if it cannot). */
  check(): void {
    if (Date.now() - this.#failedAt < RETRY_DELAY) return;
    try {
      const open = fstatSync(this.#fd);
      if (!open.isFile() || open.size < this.#limit) return;
      // A daemon started some other way (in the foreground, its stdout a terminal or another file) has no daemon.log
      // of its own to rotate.
      const atPath = statSync(this.#file);
      if (atPath.ino !== open.ino || atPath.dev !== open.dev) return;
      // Removed, then created exclusively: a symlink at daemon.log.1 is replaced, not written through.
      rmSync(`${this.#file}.1`, { force: true });
      copyFileSync(this.#file, `${this.#file}.1`, constants.COPYFILE_EXCL);
      truncateSync(this.#file, 0);
    } catch {
      this.#failedAt = Date.now();
    }
  }
}
