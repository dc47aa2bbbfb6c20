/**
 * Whether `hive monit` colours what it writes: only on a terminal, and there as Node.js decides for its own output
 * (tty.getColorDepth reads `FORCE_COLOR` first): `FORCE_COLOR` `0` or `false` turns colour off, another value keeps it on
 * whatever the rest says; without it, colour is on unless `NO_COLOR` is set (https://no-color.org: not empty) or `TERM`
 * is `dumb`. Piped, never: `node --test` run from a terminal sets `FORCE_COLOR=1` for the processes under it, and a
 * frame in a log or a script's input is text.
 */
export function useColor(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!isTTY) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return !env.NO_COLOR && env.TERM !== 'dumb';
}
