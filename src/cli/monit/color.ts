// The FORCE_COLOR values node's tty.getColorDepth reads as colours (16, 256, 16m); any other is 2 colours: none.
const FORCED = new Set(['', '1', 'true', '2', '3']);

/**
 * Whether `hive monit` colours what it writes: only on a terminal, and there as Node.js decides for its own output
 * (tty.getColorDepth reads `FORCE_COLOR` first): `FORCE_COLOR` empty, `1`, `true`, `2` or `3` keeps it on whatever the
 * rest says, any other value (`0`, `false`, `yes`) turns it off; without it, colour is on unless `NO_COLOR` is set
 * (https://no-color.org: not empty) or `TERM` is `dumb`. Piped, never: `node --test` run from a terminal sets
 * `FORCE_COLOR=1` for the processes under it, and a frame in a log or a script's input is text.
 */
export function useColor(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!isTTY) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return FORCED.has(force);
  return !env.NO_COLOR && env.TERM !== 'dumb';
}
