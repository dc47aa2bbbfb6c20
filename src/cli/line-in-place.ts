/**
 * Whether `stream` can rewrite a line in place (`\r\x1b[K`): a terminal, and not a `dumb` one (Emacs' M-x shell, an
 * editor's output pane), which shows the escape as text and `\r` as nothing. Piped or dumb, progress is plain lines
 * or none.
 */
export function rewritesLines(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}
