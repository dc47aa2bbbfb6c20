/**
 * This process's environment, as `hive start` hands it to the daemon (and `hive restart --update-env` again): an app
 * runs in the environment of the shell that started it, as under PM2, not in the daemon's.
 */
export function shellEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  // Unset variables are undefined in process.env's type only; skipped for the protocol's string record.
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}
