/**
 * The check of PM2's `instance_var` and `increment_var` as they reach a primary: HIVE_INSTANCE_VAR and
 * HIVE_INCREMENT_VAR in the app's environment (a config file, `--env`/`-e`, or the primary's own). One check for a
 * cluster's primary (cluster/options.ts) and a fork-mode one (daemon/fork-primary.ts), so both refuse the same
 * values with the same error.
 */
import { describeValue, InvalidArgumentError } from '../errors.js';
import { ENV } from '../runtime/protocol.js';
import type { StickyMode } from './sticky-mode.js';

// As the config schema checks `instance_var` and `increment_var` (config/app-schema.ts).
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The variables PM2's `instance_var` and `increment_var` (HIVE_INSTANCE_VAR, HIVE_INCREMENT_VAR, as `read` gives them
 * from the app's environment) set for `instance`, to lay over its environment: the instance number under the named
 * variable (NODE_APP_INSTANCE then unset, as in PM2), and the named variable's number plus the instance. One rule for a
 * cluster's primary (cluster/supervisor.ts) and a fork-mode one (daemon/fork-primary.ts): PM2 sets them in fork mode
 * too (God.injectVariables), so `exec_mode: 'fork', instances: 4, increment_var: 'PORT'` is four ports.
 */
export function instanceVars(
  read: (name: string) => string | undefined,
  instance: number,
): Record<string, string | undefined> {
  const vars: Record<string, string | undefined> = {};
  const instanceVar = read(ENV.instanceVar);
  if (instanceVar) {
    // Undefined, not left out: spawn and cluster.fork() then leave an inherited NODE_APP_INSTANCE out.
    vars[ENV.pm2Instance] = undefined;
    vars[instanceVar] = String(instance);
  }
  const incrementVar = read(ENV.incrementVar);
  if (incrementVar) {
    const base = incrementVar in vars ? vars[incrementVar] : read(incrementVar);
    vars[incrementVar] = String((Number(base) || 0) + instance);
  }
  return vars;
}

/**
 * Throws InvalidArgumentError (ERR_HIVE_INVALID_ARGUMENT, naming the variable) when HIVE_INSTANCE_VAR or
 * HIVE_INCREMENT_VAR, as `read` gives them, is not an environment variable name. With `sticky` the primary's router
 * owns the one port all instances share, so PORT incremented per instance would put them beside it, where the router
 * never sends a client: refused too.
 */
export function assertInstanceVars(read: (name: string) => string | undefined, sticky?: StickyMode): void {
  for (const name of [ENV.instanceVar, ENV.incrementVar]) {
    const value = read(name);
    if (value !== undefined && !ENV_NAME.test(value)) {
      throw new InvalidArgumentError(
        `Expected ${name} to be an environment variable name, got ${describeValue(value)}`,
      );
    }
  }
  if (sticky && read(ENV.incrementVar) === 'PORT') {
    throw new InvalidArgumentError(
      `${ENV.incrementVar}=PORT cannot be combined with \`sticky\`: the primary's router owns the one port the instances share`,
    );
  }
}
