/**
 * Exits with `code` once what this process wrote to stdout and stderr has left it. Node writes to a pipe
 * asynchronously: when the reader lags, writes wait in memory and `process.exit()` drops them (a primary's last
 * events and answers to the daemon, an app's last log lines, a CLI's JSON piped into a slow reader). A stream that is
 * gone (EPIPE, destroyed) holds nothing back. Code after the call still runs until the streams drain: callers return.
 */
export function exitFlushed(code: number): void {
  const streams = [process.stdout, process.stderr].filter((stream) => !stream.destroyed && stream.writableLength > 0);
  let pending = streams.length;
  if (pending === 0) process.exit(code);
  for (const stream of streams) {
    // A reader gone meanwhile (EPIPE) fails the write, which ends the wait: not an uncaught error at the exit.
    stream.on('error', () => {});
    stream.write('', () => {
      pending -= 1;
      if (pending === 0) process.exit(code);
    });
  }
}
