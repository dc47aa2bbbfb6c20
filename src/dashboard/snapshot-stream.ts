import type { ServerResponse } from 'node:http';
import { HiveError } from '../errors.js';
import type { HiveSnapshot, SnapshotSource } from '../metrics/snapshot.js';

/**
 * Pushes a snapshot to every connected page (server-sent events) each `interval` ms. One snapshot per tick serves all
 * pages, and nothing is read while no page is open: an idle dashboard costs the primary (or the daemon) nothing.
 */
export class SnapshotStream {
  readonly #source: SnapshotSource;
  readonly #interval: number;
  readonly #clients = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | undefined;
  #reading = false;

  constructor(source: SnapshotSource, interval: number) {
    this.#source = source;
    this.#interval = interval;
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
      if (this.#clients.size === 0) this.#stop();
    });
    // The first frame now, not a tick later: the page shows data as soon as it opens.
    void this.#tick([res]);
    this.#timer ??= setInterval(() => void this.#tick([...this.#clients]), this.#interval);
  }

  /** Ends every stream. */
  close(): void {
    this.#stop();
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(clients: ServerResponse[]): Promise<void> {
    // A slow source (a daemon asking busy primaries) skips a tick rather than piling reads up.
    if (this.#reading || clients.length === 0) return;
    this.#reading = true;
    let frame: string;
    try {
      const snapshot: HiveSnapshot = await this.#source.snapshot();
      frame = `event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`;
    } catch (error) {
      frame = `event: failure\ndata: ${JSON.stringify(describeFailure(error))}\n\n`;
    } finally {
      this.#reading = false;
    }
    for (const res of clients) if (!res.writableEnded) res.write(frame);
  }
}

/** An error as the page shows it (and as `/api/snapshot` answers it): the HiveError code (null for others), message. */
export function describeFailure(error: unknown): { code: string | null; message: string } {
  if (error instanceof HiveError) return { code: error.code, message: error.message };
  return { code: null, message: error instanceof Error ? error.message : String(error) };
}
