import type { AppConfig } from './app-schema.js';
import { ConfigError } from './errors.js';

/** Env var names must be portable: a value of any other kind is turned into a string, as a shell would. */
function stringify(env: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) out[key] = String(value);
  return out;
}

/**
 * The environment of an app: `env`, overlaid with `env_<name>` when `--env <name>` picks one (PM2's rule). Naming an
 * environment that no app of the file defines is an error: a typo must not start production with development values.
 */
export function appEnv(
  app: AppConfig,
  envName: string | undefined,
  file: string,
  allApps: readonly AppConfig[] = [app],
): Record<string, string> {
  const base = stringify(app.env as Record<string, unknown> | undefined);
  if (envName === undefined) return base;
  checkEnvName(envName, file, allApps);
  const key = `env_${envName}`;
  return { ...base, ...stringify((app as Record<string, unknown>)[key] as Record<string, unknown> | undefined) };
}

/**
 * `--env <name>` must name an `env_<name>` that some app of the file defines, for every command that takes it (start,
 * reload, stop, delete...): the same error whichever, and one that selects apps by name must not act on a typo either.
 */
export function checkEnvName(envName: string, file: string, apps: readonly object[]): void {
  const key = `env_${envName}`;
  if (apps.some((a) => key in a)) return;
  // PM2 users type `--env development` for the file's plain `env`: say what the file has, and that `env` needs no flag.
  const defined = [...new Set(apps.flatMap((a) => Object.keys(a).filter((k) => /^env_./.test(k))))].sort();
  const names = defined.map((k) => `--env ${k.slice('env_'.length)}`).join(', ');
  const has = defined.length === 0 ? 'it has no env_<name>' : `it has ${names}`;
  throw new ConfigError(
    file,
    undefined,
    `--env ${envName}: no app defines \`${key}\` (${has}; an app's \`env\` applies without --env)`,
  );
}

/**
 * The name of a config file's app under `--env <name>`: PM2's `append_env_to_name` makes `api` `api-production`, the
 * name start gives it and so the one reload, stop and delete look for (PM2's stop and delete look for `api`, and miss).
 */
export function envAppName(app: { name: string; appendEnvToName?: boolean | undefined }, envName?: string): string {
  return app.appendEnvToName && envName ? `${app.name}-${envName}` : app.name;
}
