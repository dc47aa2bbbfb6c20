import { describeValue, InvalidArgumentError } from '../errors.js';
import { availableCores } from '../pool/available-cores.js';

/** An instance count as written, before the cores are known: a positive integer, `-1` (max minus one) or `max`. */
export type InstanceCount = number | 'max';

/**
 * Reads an instance count without resolving it: a positive integer (`3` or `"3"`), `max`, `0` (max, PM2's meaning of
 * `-i 0`) or `-1` (max minus one). The one reader of counts: `-i`, config files, `hive scale` and the primary's
 * scale all go through it, so a count means the same wherever it is written.
 *
 * @param name - how the error message names the value (a CLI passes its own, e.g. `<n>`).
 * @throws InvalidArgumentError naming the value.
 */
export function parseInstances(value: unknown, name = '`instances`'): InstanceCount {
  if (value === 'max' || value === 0 || value === '0') return 'max';
  if (value === -1 || value === '-1') return -1;
  const count = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof count === 'number' && Number.isInteger(count) && count > 0) return count;
  throw new InvalidArgumentError(
    `Expected ${name} to be a positive integer, "max" or 0 (every core), or -1 (one fewer), got ${describeValue(value)}`,
  );
}

/**
 * Resolves an instance count (see {@link parseInstances}) to a number of processes: `max` is the cores this process
 * may use (cgroup v2 `cpu.max` or v1 CFS quota, else the affinity mask), `-1` max minus one, at least 1.
 *
 * @param cores - the core count to use for `max`; tests pass their own.
 */
export function resolveInstances(value: unknown, cores?: number): number {
  const count = parseInstances(value);
  if (count === 'max') return cores ?? availableCores();
  if (count === -1) return Math.max(1, (cores ?? availableCores()) - 1);
  return count;
}
