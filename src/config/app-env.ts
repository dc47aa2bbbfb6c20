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
  const key = `env_${envName}`;
  if (!allApps.some((a) => key in a)) {
    throw new ConfigError(file, undefined, `--env ${envName}: no app defines \`${key}\``);
  }
  return { ...base, ...stringify((app as Record<string, unknown>)[key] as Record<string, unknown> | undefined) };
}
