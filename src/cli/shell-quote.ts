// Characters no POSIX shell treats specially in a word (Python's shlex.quote keeps the same set bare).
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `value` as one POSIX shell word: as it is when nothing in it is special to a shell, else in single quotes, inside
 * which only a single quote itself needs care (`'\''`). A newline, `$`, a backquote or a double quote stay literal.
 */
export function shellQuote(value: string): string {
  if (BARE.test(value)) return value;
  return `'${value.replaceAll("'", "'\\''")}'`;
}
