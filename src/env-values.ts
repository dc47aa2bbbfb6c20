import { describeValue, InvalidArgumentError } from './errors.js';

/**
 * Refuses an environment entry whose value is neither a string nor undefined (the variable unset, as child_process
 * leaves it out). Any other value would be stringified on the way: `{ A: { x: 1 }, B: null }` reached a pool's worker
 * as A="[object Object]", B="null". One check for the Supervisor's `env` and a pool's (both isolations), each naming
 * the entry as its own messages do (`label`: `` `env.A` ``, `` the `env.A` option ``).
 */
export function assertEnvValues(env: object, label: (name: string) => string): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || typeof value === 'string') continue;
    throw new InvalidArgumentError(
      `Expected ${label(name)} to be a string (or undefined, to unset it), got ${describeValue(value)}`,
    );
  }
}
