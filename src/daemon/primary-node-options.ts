import { permissionIn } from '../cluster/permission-grant.js';

/**
 * Where the daemon keeps an app's NODE_OPTIONS for its primary (`hive run` or the fork primary) to hand on: the primary
 * is a Node process that reads the variable too, and one that turns Node's permission model on
 * (`--experimental-permission`, `--permission`) is meant for the app's processes, not for Hive's primary, which died
 * under it, denied its own files, before it had started anything.
 */
const KEPT = 'HIVE_APP_NODE_OPTIONS';

/** The primary's own environment from the app's (`env`): a NODE_OPTIONS that turns the model on is kept aside. */
export function primaryOwnEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!permissionIn(env.NODE_OPTIONS)) return env;
  const { NODE_OPTIONS, ...rest } = env;
  return { ...rest, [KEPT]: NODE_OPTIONS };
}

/**
 * In the primary, before it starts anything: puts the app's NODE_OPTIONS kept aside back in its environment, which its
 * processes inherit (this process has read its flags already), and removes the variable that held it.
 */
export function restoreAppNodeOptions(env: NodeJS.ProcessEnv = process.env): void {
  const kept = env[KEPT];
  delete env[KEPT];
  if (kept !== undefined) env.NODE_OPTIONS = kept;
}
