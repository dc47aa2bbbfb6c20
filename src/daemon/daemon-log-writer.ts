import { fstatSync, writeSync } from 'node:fs';

/** The line that says, once a write works again, how many lines were lost and why: the whole text, newline included. */
export type DroppedNotice = (dropped: number, failure: string) => string;

/**
 * Writes the daemon's own lines to one of its descriptors (stdout or stderr: daemon.log, opened by the CLI that started
 * it, client.ts). A write to a file descriptor is synchronous in Node and throws when it fails (a full disk, ENOSPC; a
 * read-only remount, EROFS): thrown from a daemon line, it aborted the operation that logged (a restart), and thrown
 * from the uncaughtException handler's own line it came back to that handler, endlessly, and the daemon answered no
 * command until space was freed. A line that cannot be written is dropped and counted instead, never thrown, and the
 * next line that can be written follows one that says how many were dropped, as the app logs say it (app-logs.ts).
 */
export class DaemonLogWriter {
  readonly #fd: number;
  readonly #notice: DroppedNotice;
  #dropped = 0;
  // The first failure's words: the one that started the gap, said once.
  #failure = '';
  // A full disk takes the part of a write that fits: the line cut there is ended before the next one.
  #cut = false;

  // A descriptor that is no file (a pipe, a terminal: a daemon run by hand, the daemon's code run in a test) is written
  // through its stream, as before: a sync write to a non-blocking pipe would drop a line at every EAGAIN.
  readonly #stream: NodeJS.WriteStream | undefined;

  constructor(fd: 1 | 2, notice: DroppedNotice) {
    this.#fd = fd;
    this.#notice = notice;
    this.#stream = isFile(fd) ? undefined : fd === 1 ? process.stdout : process.stderr;
  }

  /** Writes `text` (whole lines); false when it was dropped. Never throws. */
  write(text: string): boolean {
    if (this.#stream !== undefined) {
      this.#stream.write(text);
      return true;
    }
    if (this.#dropped > 0) {
      const notice = `${this.#cut ? '\n' : ''}${this.#notice(this.#dropped, this.#failure)}`;
      if (!this.#writeAll(notice)) return this.#drop(text);
      this.#dropped = 0;
      this.#cut = false;
    }
    return this.#writeAll(text) || this.#drop(text);
  }

  #drop(text: string): false {
    this.#dropped += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    return false;
  }

  // Writes all of `text` (writeSync may take part of it); on a failure the gap is noted, the error not rethrown.
  #writeAll(text: string): boolean {
    const bytes = Buffer.from(text);
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.#fd, bytes, done);
      return true;
    } catch (error) {
      if (this.#dropped === 0) this.#failure = errorWords(error);
      if (done > 0) this.#cut = true;
      return false;
    }
  }
}

function errorWords(error: unknown): string {
  try {
    return (error as Error)?.message ?? String(error);
  } catch {
    return 'an unknown error';
  }
}

function isFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}
