import type { ServerResponse } from 'node:http';
import { HiveError } from '../errors.js';
import type { HiveSnapshot, SnapshotSource } from '../metrics/snapshot.js';
import { readSnapshot, snapshotTimeout } from './snapshot-read.js';

/**
 * Pushes a snapshot to every connected page (server-sent events) each `interval` ms. One snapshot per tick serves all
 * pages, and nothing is read while no page is open: an idle dashboard costs the primary (or the daemon) nothing.
 *
 * One read at a time, bounded by {@link snapshotTimeout}: a read that does not answer in time is abandoned, the pages
 * get a `failure` event (ERR_HIVE_DASHBOARD_SNAPSHOT_TIMEOUT) saying their data is stale, and the next tick reads
 * again. A read that rejects is a `failure` event too; the stream goes on either way.
 *
 * A page that does not read (a stalled client) is skipped until it has taken what it was sent: memory stays bounded.
 * One that stays stalled is dropped (its connection destroyed) after {@link stalledFrames} frames skipped in a row,
 * rather than held until TCP gives up on it, which can take many minutes; a browser that was only slow reconnects.
 */
export class SnapshotStream {
  readonly #source: SnapshotSource;
  readonly #interval: number;
  readonly #timeout: number;
  readonly #clients = new Set<ServerResponse>();
  readonly #stalledFrames: number;
  /** Frames skipped in a row, per page that has skipped one since it last took one. */
  readonly #skipped = new Map<ServerResponse, number>();
  #timer: NodeJS.Timeout | undefined;
  /** The pages waiting for the read in flight; undefined while none is. */
  #pending: Set<ServerResponse> | undefined;
  /** Gives up the read in flight, so that its connection (the daemon's) does not outlive the stream. */
  #reading: AbortController | undefined;

  /** `stalled` is how many frames in a row a page may skip before it is dropped; default {@link stalledFrames}. */
  constructor(source: SnapshotSource, interval: number, stalled = stalledFrames(interval)) {
    this.#source = source;
    this.#interval = interval;
    this.#timeout = snapshotTimeout(interval);
    this.#stalledFrames = stalled;
  }

  /** Holds `res` open as an event stream until the client leaves or the stream closes. */
  add(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // The browser reconnects on its own after a dropped stream (a restarted primary); 2 s keeps it from hammering.
    res.write('retry: 2000\n\n');
    this.#clients.add(res);
    res.on('close', () => {
      this.#clients.delete(res);
      this.#skipped.delete(res);
      if (this.#clients.size === 0) this.#stop();
    });
    // The first frame now, not a tick later: the page shows data as soon as it opens.
    void this.#tick([res]);
    this.#timer ??= setInterval(() => void this.#tick([...this.#clients]), this.#interval);
  }

  /** Ends every stream. A read still in flight is given up (its signal aborted): its answer goes nowhere. */
  close(): void {
    this.#stop();
    this.#pending = undefined;
    this.#reading?.abort();
    this.#reading = undefined;
    for (const res of this.#clients) res.end();
    this.#clients.clear();
    this.#skipped.clear();
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(clients: ServerResponse[]): Promise<void> {
    if (clients.length === 0) return;
    // A slow source (a daemon asking busy primaries) skips a tick rather than piling reads up; a page that opens
    // meanwhile gets the answer of the read in flight.
    if (this.#pending) {
      for (const res of clients) this.#pending.add(res);
      return;
    }
    const pending = new Set(clients);
    this.#pending = pending;
    const reading = new AbortController();
    this.#reading = reading;
    let frame: string;
    try {
      const snapshot: HiveSnapshot = await readSnapshot(this.#source, {
        timeout: this.#timeout,
        signal: reading.signal,
      });
      frame = `event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
    } catch (error) {
      // A timeout lands here too (ERR_HIVE_DASHBOARD_SNAPSHOT_TIMEOUT): the pages learn their data is stale.
      frame = `event: failure\ndata: ${JSON.stringify(describeFailure(error))}\n\n`;
    }
    // Closed meanwhile: the pages are gone.
    if (this.#pending !== pending) return;
    this.#pending = undefined;
    this.#reading = undefined;
    for (const res of pending) {
      // A page that has not taken the last frame yet (a stalled client, a saturated link) skips this one: each frame
      // is a whole snapshot, so it loses a point of the charts, and the server holds at most one frame for it rather
      // than buffering every second's without bound.
      if (!this.#clients.has(res) || res.writableEnded) continue;
      if (!res.writableNeedDrain) {
        this.#skipped.delete(res);
        res.write(frame);
        continue;
      }
      // Skipped for long (a client that stopped reading, a link that died without a FIN): drop it now, as its socket
      // would otherwise stay, with up to a frame held for it, until TCP gives up. Its 'close' forgets it.
      const skipped = (this.#skipped.get(res) ?? 0) + 1;
      if (skipped >= this.#stalledFrames) res.destroy();
      else this.#skipped.set(res, skipped);
    }
  }
}

/** How long a page may go without taking a frame before it is dropped, ms (see {@link stalledFrames}). */
export const STALLED_MS = 30_000;

/** The frames a page may skip in a row before it is dropped: {@link STALLED_MS} of them at `interval`, at least 3. */
export function stalledFrames(interval: number): number {
  return Math.max(3, Math.ceil(STALLED_MS / interval));
}

/** An error as the page shows it (and as `/api/snapshot` answers it): the HiveError code (null for others), message. */
export function describeFailure(error: unknown): { code: string | null; message: string } {
  if (error instanceof HiveError) return { code: error.code, message: error.message };
  return { code: null, message: error instanceof Error ? error.message : String(error) };
}
