import { UsageError } from './daemon-command.js';

/**
 * `--only` as PM2 reads it: `--only api,worker` (and `"api worker"`, or the flag repeated) is a list of names; an app
 * name holds neither a comma nor a space. Undefined when the flag is not given.
 */
export function onlyNames(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((list) => list.split(/[\s,]+/).filter(Boolean));
}

/** The apps of a config file that `--only` names (all without it); a name the file does not have is a usage error. */
export function pickApps<App extends { name: string }>(
  config: { file: string; apps: App[] },
  only: string[] | undefined,
): App[] {
  const unknown = only?.find((name) => !config.apps.some((app) => app.name === name));
  if (unknown) throw new UsageError(`--only ${unknown}: ${config.file} has no app of that name`);
  return only ? config.apps.filter((app) => only.includes(app.name)) : config.apps;
}
