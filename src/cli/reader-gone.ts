/**
 * Ends the process with 0, quietly, once the reader of stdout or stderr is gone (`hive logs | head`, `| grep -q`), as
 * `tail` and `pm2 logs` end: the reader had what it wanted. Without it, the failed write's EPIPE is an uncaught error
 * (its stack, exit 1). Installed before the first line is printed: a command that prints much, or prints on, has no
 * point where a reader gone finds no handler. Exits at once, not at the command's end: the rest of the output has no
 * reader, and a follower's loop never ends by itself. Another failure to write (a full disk under `> file`) is no
 * reader gone: exit 1, said on the other stream if it can be.
 */
export function exitWhenReaderGone(): void {
  for (const [stream, other] of [
    [process.stdout, process.stderr],
    [process.stderr, process.stdout],
  ] as const) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') other.write(`hive: cannot write the output: ${error.message}\n`);
      process.exit(error.code === 'EPIPE' ? 0 : 1);
    });
  }
}
