import { describeValue, InvalidArgumentError } from '../errors.js';
import { availableCores } from '../pool/available-cores.js';

/**
 * Resolves an instance count: a positive integer, `max` (the cores this process may use: cgroup v2 `cpu.max` or v1
 * CFS quota, else the affinity mask), or `-1` (max minus one, at least 1).
 *
 * @param cores - the core count to use for `max`; tests pass their own.
 */
export function resolveInstances(value: unknown, cores: number = availableCores()): number {
  if (value === 'max' || value === 0 || value === '0') return cores;
  if (value === -1 || value === '-1') return Math.max(1, cores - 1);
  const count = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof count === 'number' && Number.isInteger(count) && count > 0) return count;
  throw new InvalidArgumentError(
    `Expected \`instances\` to be a positive integer, "max" or -1, got ${describeValue(value)}`,
  );
}
