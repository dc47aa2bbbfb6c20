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
