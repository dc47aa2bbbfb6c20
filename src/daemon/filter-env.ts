/**
 * PM2's `filter_env`, as its Common.prepareAppConf applies it to the environment the app would take from the shell
 * (never to the app's own `env`): `true` drops all of it; a string, the variable of that exact name; a list, every
 * variable whose name contains one of its strings (PM2 matches anywhere in the name, not at its start).
 */
export type FilterEnv = boolean | string | string[];

/** The variables of `shellEnv` that `filter` leaves; a new object, `shellEnv` unchanged. */
export function filterShellEnv(shellEnv: NodeJS.ProcessEnv, filter: FilterEnv | undefined): NodeJS.ProcessEnv {
  if (filter === undefined || filter === false) return shellEnv;
  if (filter === true) return {};
  const parts = typeof filter === 'string' ? undefined : filter;
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(shellEnv)) {
    const dropped = parts === undefined ? name === filter : parts.some((part) => name.includes(part));
    if (!dropped) kept[name] = value;
  }
  return kept;
}
