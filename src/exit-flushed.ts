/**
 * How long a process that is done waits at most for its output to leave it: a reader that lags a little (the daemon
 * reading a primary, a log shipper catching up) gets all of it, but one that reads nothing (stopped, hung, or a pipe
 * whose reader holds it open and never reads) must not keep the process from exiting: a primary stopped by systemd or
 * the daemon would otherwise live until it is SIGKILLed.
 */
export const EXIT_FLUSH_TIMEOUT_MS = 5_000;

/**
 * Exits with `code` once what this process wrote to stdout and stderr has left it, or after `timeoutMs` (what is left
 * is then lost). Node writes to a pipe asynchronously: when the reader lags, writes wait in memory and
 * `process.exit()` drops them (a primary's last events and answers to the daemon, an app's last log lines, a CLI's
 * JSON piped into a slow reader). A stream that is gone (EPIPE, destroyed) holds nothing back. Code after the call
 * still runs until the streams drain: callers return. `Infinity`: no bound, for a command whose reader may be a pager
 * (`hive logs | less` waits on the user, as `cat` does).
 */
export function exitFlushed(code: number, timeoutMs = EXIT_FLUSH_TIMEOUT_MS): void {
  const streams = [process.stdout, process.stderr].filter((stream) => !stream.destroyed && stream.writableLength > 0);
  let pending = streams.length;
  if (pending === 0) process.exit(code);
  if (Number.isFinite(timeoutMs)) setTimeout(() => process.exit(code), timeoutMs);
  for (const stream of streams) {
    // A reader gone meanwhile (EPIPE) fails the write, which ends the wait: not an uncaught error at the exit.
    stream.on('error', () => {});
    stream.write('', () => {
      pending -= 1;
      if (pending === 0) process.exit(code);
    });
  }
}
