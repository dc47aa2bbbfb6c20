import { stopAtLineEnd, WRITE_PIECE } from './whole-line-writes.js';

/**
 * How long a process that is done waits for its output to leave it, beyond the time its reader is given to read what
 * is held (EXIT_FLUSH_MIN_RATE): a reader that lags (the daemon reading a primary, a log shipper catching up) gets all
 * of it, but one that reads nothing (stopped, hung, or a pipe whose reader holds it open and never reads) must not keep
 * the process from exiting: a primary stopped by systemd or the daemon would otherwise live until it is SIGKILLed.
 */
export const EXIT_FLUSH_TIMEOUT_MS = 5_000;

/**
 * Bytes a second a reader is given to take what is held: a daemon busy with a primary's backlog (up to 16 MiB,
 * cluster/bounded-output.ts) reads it all, where 5 s in all lost the end of it (the app's last lines, the events of
 * its stop). A bound by time, not by progress: Node hands what waits to a pipe as one write, whose progress it does
 * not tell.
 */
export const EXIT_FLUSH_MIN_RATE = 512 * 1024;

// How often the wait looks again.
const EXIT_FLUSH_CHECK_MS = 20;

/**
 * Exits with `code` once what this process wrote to stdout and stderr has left it, or once `timeoutMs` and the time to
 * read the most it held at EXIT_FLUSH_MIN_RATE have passed (what is left is then lost). Node writes to a pipe
 * asynchronously: when the reader lags, writes wait in memory and `process.exit()` drops them (a primary's last events
 * and answers to the daemon, an app's last log lines, a CLI's JSON piped into a slow reader). A stream that is gone
 * (EPIPE, destroyed) holds nothing back. Code after the call still runs until the streams drain: callers return.
 * `Infinity`: no bound, for a command whose reader may be a pager (`hive logs | less` waits on the user, as `cat`
 * does).
 */
export function exitFlushed(code: number, timeoutMs = EXIT_FLUSH_TIMEOUT_MS): void {
  const streams = [process.stdout, process.stderr];
  for (const stream of streams) {
    // A reader gone meanwhile (EPIPE) fails the write, which ends the wait: not an uncaught error at the exit.
    stream.on('error', () => {});
  }
  const held = () => streams.reduce((sum, stream) => sum + (stream.destroyed ? 0 : stream.writableLength), 0);
  const since = Date.now();
  // The most that waited at once: what is written meanwhile (the last lines of a primary's processes, relayed after
  // their exit) is given its time too.
  let peak = 0;
  const check = () => {
    const now = held();
    if (now === 0) process.exit(code);
    peak = Math.max(peak, now);
    if (Date.now() - since < timeoutMs + (peak / EXIT_FLUSH_MIN_RATE) * 1000) return;
    clearInterval(timer);
    exitAtLineEnd(code);
  };
  const timer = setInterval(check, EXIT_FLUSH_CHECK_MS);
  check();
}

// The time a reader is given, besides EXIT_FLUSH_MIN_RATE's, to take the rest of the piece it is in.
const LINE_END_GRACE_MS = 1_000;
let exiting = false;

/**
 * Exits with `code` now, though output still waits for its reader, but not in the middle of a line: a stream made to
 * write whole lines (whole-line-writes.ts: the primaries' stdout and stderr) finishes the piece it is writing, given
 * LINE_END_GRACE_MS and its time at EXIT_FLUSH_MIN_RATE, and hands on nothing after it. A reader that takes nothing
 * more still gets a cut line: what the pipe holds is no longer the process's.
 */
export function exitAtLineEnd(code: number): void {
  if (exiting) return;
  exiting = true;
  // A piece's characters are 3 bytes at most in UTF-8.
  const maxMs = LINE_END_GRACE_MS + ((WRITE_PIECE * 3) / EXIT_FLUSH_MIN_RATE) * 1000;
  void Promise.all([process.stdout, process.stderr].map((stream) => stopAtLineEnd(stream, maxMs))).then(() =>
    process.exit(code),
  );
}
