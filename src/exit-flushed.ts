/**
 * How long a process that is done waits at most for its reader to take any of its output: a reader that lags (the
 * daemon reading a primary, a log shipper catching up) gets all of it, however long that takes while it reads, but one
 * that reads nothing (stopped, hung, or a pipe whose reader holds it open and never reads) must not keep the process
 * from exiting: a primary stopped by systemd or the daemon would otherwise live until it is SIGKILLed.
 */
export const EXIT_FLUSH_TIMEOUT_MS = 5_000;

/**
 * Exits with `code` once what this process wrote to stdout and stderr has left it, or once its readers have taken none
 * of it for `timeoutMs` (what is left is then lost). Node writes to a pipe asynchronously: when the reader lags, writes
 * wait in memory and `process.exit()` drops them (a primary's last events and answers to the daemon, an app's last log
 * lines, a CLI's JSON piped into a slow reader). The wait is bounded by progress, not by a total: a daemon busy with a
 * primary's backlog (up to 16 MiB, cluster/bounded-output.ts) reads it all, however long it takes. A stream that is gone
 * (EPIPE, destroyed) holds nothing back. Code after the call still runs until the streams drain: callers return.
 * `Infinity`: no bound, for a command whose reader may be a pager (`hive logs | less` waits on the user, as `cat`
 * does).
 */
export function exitFlushed(code: number, timeoutMs = EXIT_FLUSH_TIMEOUT_MS): void {
  const streams = [process.stdout, process.stderr].filter((stream) => !stream.destroyed && stream.writableLength > 0);
  let pending = streams.length;
  if (pending === 0) process.exit(code);
  if (Number.isFinite(timeoutMs)) {
    const waiting = () => streams.reduce((sum, stream) => sum + (stream.destroyed ? 0 : stream.writableLength), 0);
    let left = waiting();
    setInterval(() => {
      const now = waiting();
      // Nothing taken for a whole period: the reader is not reading.
      if (now >= left) process.exit(code);
      left = now;
    }, timeoutMs);
  }
  for (const stream of streams) {
    // A reader gone meanwhile (EPIPE) fails the write, which ends the wait: not an uncaught error at the exit.
    stream.on('error', () => {});
    stream.write('', () => {
      pending -= 1;
      if (pending === 0) process.exit(code);
    });
  }
}
