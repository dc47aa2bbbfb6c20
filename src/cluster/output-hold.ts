import type { Readable } from 'node:stream';

/**
 * Bytes waiting for the reader of a primary's output past which its app processes' stdout pipes are no longer read:
 * the app then waits on its own stdout, as it would writing to that slow reader directly, and a burst reaches the
 * reader whole instead of being dropped past the primary's 16 MiB bound (bounded-output.ts).
 */
export const HOLD_BACKLOG = 1024 * 1024;

/**
 * How long a reader may take nothing while the pipes are held before it is taken for stuck (stopped, hung): the pipes
 * are read again then, the app's lines dropped past the bound as without a hold, so that an app never waits on a
 * reader that may never come back; held again once the reader moves.
 */
export const STUCK_READER_MS = 1_000;

// How often a held or stuck reader is looked at.
const WATCH_MS = STUCK_READER_MS / 4;

/**
 * What a hold watches: a stream (a primary's stdout), or anything that says as one how much waits for its reader and
 * emits `drain` once that is at most HOLD_BACKLOG (the daemon's log files of an app: log-backlog.ts).
 */
export interface HeldOutput {
  readonly writableLength: number;
  on(event: 'drain', listener: () => void): unknown;
}

/**
 * Back-pressure from a primary's output stream to its app processes' stdout pipes: while more than HOLD_BACKLOG waits
 * for the stream's reader, the pipes are paused; they are read again once the reader has taken it (the stream's
 * `drain`), or at once while the reader is stuck (STUCK_READER_MS without progress). Only stdout pipes are held: an
 * app's crash report goes to a full stderr pipe unbuffered (Node writes it synchronously as it dies) and would be
 * lost; stderr keeps the bound and its reserve (bounded-output.ts). A process that is leaving has its pipe
 * {@link release}d, read to its end: nothing it wrote is lost because the reader was slow.
 */
export class OutputHold {
  readonly #output: HeldOutput;
  readonly #pipes = new Set<Readable>();
  #state: 'reading' | 'held' | 'stuck' = 'reading';
  #watch: NodeJS.Timeout | undefined;
  #checkQueued = false;
  #lastProgressAt = 0;
  // The last figures of what waits for the reader: either going down is progress (see #progressed).
  #waiting = 0;
  #queued = 0;

  constructor(output: HeldOutput) {
    this.#output = output;
    output.on('drain', () => this.#caughtUp());
  }

  /** Whether the pipes are paused for the reader now. */
  get holding(): boolean {
    return this.#state === 'held';
  }

  /** A process's stdout pipe, held with the others from now on until it ends or is released. */
  add(pipe: Readable): void {
    this.#pipes.add(pipe);
    // After the line splitter's own listener: its lines are then in the output's batch, which is written by a
    // microtask queued before this one (bounded-output.ts), so the check sees them.
    pipe.on('data', () => this.#queueCheck());
    pipe.once('close', () => this.#pipes.delete(pipe));
    if (this.#state === 'held') pipe.pause();
  }

  /** Reads `pipe` to its end from now on, whatever the reader: its process is leaving (retired, killed, exited). */
  release(pipe: Readable): void {
    if (!this.#pipes.delete(pipe)) return;
    pipe.resume();
  }

  #queueCheck(): void {
    if (this.#checkQueued) return;
    this.#checkQueued = true;
    queueMicrotask(() => {
      this.#checkQueued = false;
      if (this.#state === 'reading' && this.#output.writableLength > HOLD_BACKLOG) this.#hold();
    });
  }

  #hold(): void {
    this.#state = 'held';
    for (const pipe of this.#pipes) pipe.pause();
    this.#progressed();
    this.#lastProgressAt = Date.now();
    if (this.#watch) return;
    this.#watch = setInterval(() => this.#look(), WATCH_MS);
    // A primary with nothing else to do exits: a held reader does not keep it alive.
    this.#watch.unref();
  }

  #look(): void {
    const now = Date.now();
    const moved = this.#progressed();
    if (moved) this.#lastProgressAt = now;
    if (this.#output.writableLength <= HOLD_BACKLOG) this.#caughtUp();
    else if (this.#state === 'held' && now - this.#lastProgressAt >= STUCK_READER_MS) {
      this.#state = 'stuck';
      for (const pipe of this.#pipes) pipe.resume();
    } else if (this.#state === 'stuck' && moved) this.#hold();
  }

  #caughtUp(): void {
    if (this.#state === 'reading') return;
    const held = this.#state === 'held';
    this.#state = 'reading';
    clearInterval(this.#watch);
    this.#watch = undefined;
    if (held) for (const pipe of this.#pipes) pipe.resume();
  }

  // Whether the reader took anything since the last look. The stream's writableLength goes down only once a whole
  // write is done, and Node hands a pipe all that waits as one write (megabytes): its progress shows in libuv's
  // queue of that write (the handle's writeQueueSize, not public API, so used only where it is there).
  #progressed(): boolean {
    const waiting = this.#output.writableLength;
    const handle = (this.#output as { _handle?: { writeQueueSize?: unknown } })._handle;
    const queued = typeof handle?.writeQueueSize === 'number' ? handle.writeQueueSize : waiting;
    const moved = waiting < this.#waiting || queued < this.#queued;
    this.#waiting = waiting;
    this.#queued = queued;
    return moved;
  }
}
