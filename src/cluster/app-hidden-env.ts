/**
 * Variables of the environment Hive runs in that it never hands to an app process. HIVE_DASHBOARD_TOKEN is for the
 * primary (`hive run --dashboard`) and `hive dashboard` alone: inherited by every app process, a dependency or an
 * error reporter that captures the environment would send the dashboard's secret away with it.
 */
export const APP_HIDDEN_ENV: readonly string[] = ['HIVE_DASHBOARD_TOKEN'];

/** `env` without those variables, for a process spawned with exactly it: a new object, `env` unchanged. */
export function withoutAppHiddenEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = { ...env };
  for (const name of APP_HIDDEN_ENV) delete kept[name];
  return kept;
}

/**
 * The same for `cluster.fork(env)`, which lays `env` over the primary's own environment: each such variable set
 * undefined, which child_process leaves out.
 */
export function appHiddenEnvUnset(): Record<string, undefined> {
  return Object.fromEntries(APP_HIDDEN_ENV.map((name) => [name, undefined]));
}
