import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { type HeldOutput, HOLD_BACKLOG, OutputHold } from '../cluster/output-hold.js';

/**
 * What the writers of one app's log files hold, not yet written, watched as a primary watches its own stdout
 * (OutputHold): while more than HOLD_BACKLOG waits, the daemon stops reading the app's primary, whose own hold then
 * stops reading the app, which waits on its stdout as it would writing to a slow disk itself. Without it, a disk
 * slower than the app (a machine whose cores are all busy) let the daemon read on until the writer's bound dropped
 * lines, where `hive run > file` drops none. A writer that makes no progress for STUCK_READER_MS is passed by, as the
 * primary passes a stuck reader: the app then never waits on a disk that may not come back, and lines past the
 * bound are dropped and marked, as before.
 */
export class LogBacklog extends EventEmitter implements HeldOutput {
  readonly #pending: () => number;
  readonly #hold: OutputHold;
  // Requests waiting for an answer that comes on the paced pipe (hurry()).
  #hurried = 0;

  /** `pending`: the bytes the files' writers hold now. */
  constructor(pending: () => number) {
    super();
    this.#pending = pending;
    this.#hold = new OutputHold(this);
  }

  get writableLength(): number {
    return this.#hurried > 0 ? 0 : this.#pending();
  }

  /**
   * Reads the paced pipes at once, whatever the files' pace, until the returned function is called: an answer of the
   * primary (a reload's, a scale's) comes on its stdout behind the app's lines, up to 16 MiB of them when its
   * retiring processes' pipes are read to their end, and must not wait for a slow disk to write them all (a reload
   * answered after its timeout is taken for a hung primary). Meanwhile the files' own bound drops lines, as without
   * the pace.
   */
  hurry(): () => void {
    this.#hurried += 1;
    this.emit('drain');
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#hurried -= 1;
    };
  }

  /** Reads `pipe` (a primary's stdout) at the pace the files are written, from now on. */
  pace(pipe: Readable): void {
    this.#hold.add(pipe);
  }

  /** Reads `pipe` to its end whatever the files' pace: its primary is leaving, and its last lines must come. */
  release(pipe: Readable): void {
    this.#hold.release(pipe);
  }

  /** A write done or a file closed: reading goes on at once when little is left to write. */
  progressed(): void {
    if (this.#hold.holding && this.#pending() <= HOLD_BACKLOG) this.emit('drain');
  }
}
