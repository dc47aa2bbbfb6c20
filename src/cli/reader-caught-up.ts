import type { Writable } from 'node:stream';

/**
 * Resolves once the readers of `streams` (stdout and stderr) have taken what waits for them, at once when nothing
 * waits. A command that reads on while its reader takes nothing (`hive logs -f | less` waiting on the user, a stopped
 * consumer) would hold all it read in memory, however much: it waits here instead, as `tail -f` waits on its write,
 * and reads on from where it was once they drain. A stream gone waits for nothing: its reader gone, the process ends
 * (reader-gone.ts).
 */
export async function readerCaughtUp(streams: Writable[] = [process.stdout, process.stderr]): Promise<void> {
  for (const stream of streams) {
    while (stream.writableNeedDrain && !stream.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
      });
    }
  }
}
