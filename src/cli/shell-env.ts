import { ENV } from '../runtime/protocol.js';

// What a Hive primary sets for its own app processes (HIVE_INSTANCE, HIVE_SOCKET, NODE_APP_INSTANCE, ...): a
// `hive start` run from inside a managed app (a deploy hook, a webhook) must not hand them to the app it starts, whose
// primary sets only those its own options need (another app's HIVE_SOCKET would make it listen on that socket).
const RUNTIME_VARIABLES = new Set<string>(Object.values(ENV));

/**
 * This process's environment, as `hive start` hands it to the daemon (and `hive restart|reload --update-env` again):
 * an app runs in the environment of the shell that started it, as under PM2, not in the daemon's. Hive's own
 * per-process variables are left out.
 */
export function shellEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  // Unset variables are undefined in process.env's type only; skipped for the protocol's string record.
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !RUNTIME_VARIABLES.has(key)) env[key] = value;
  }
  return env;
}
