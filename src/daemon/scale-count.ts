import { parseInstances } from '../cluster/instances.js';
import { describeValue, InvalidArgumentError } from '../errors.js';

/**
 * What `hive scale <app> <n>` asks for: a count (a positive integer, or `max`: the cores), or a change of the current
 * one (`+2`, `-1`), as PM2's `pm2 scale app +2` reads a signed count. `-1` is a change here, not the `-i -1` of a
 * start (max minus one): a PM2 user's `scale api -1` removes one process rather than running one per core but one.
 */
export type ScaleCount = { instances: number | 'max' } | { change: number };

const SIGNED = /^\s*[+-]\d+\s*$/;

/**
 * Reads a scale count as the CLI and the daemon's request schema take it. 0, `+0` and `-0` are refused (no process,
 * or no change: see scale.ts for why 0 is), as is anything but a positive integer, `max` or a signed integer.
 *
 * @throws InvalidArgumentError naming the value as `name`.
 */
export function parseScaleCount(value: unknown, name = '<n>'): ScaleCount {
  const bad = () =>
    new InvalidArgumentError(
      `Expected ${name} to be a positive integer, "max", or +N / -N (that many more or fewer processes), got ${describeValue(value)}`,
    );
  if (typeof value === 'string' && SIGNED.test(value)) {
    const change = Number(value.trim());
    if (change === 0 || !Number.isSafeInteger(change)) throw bad();
    return { change };
  }
  if (value === 0 || value === -1 || (typeof value === 'string' && /^\s*0+\s*$/.test(value))) throw bad();
  let instances: ReturnType<typeof parseInstances>;
  try {
    instances = parseInstances(value, name);
  } catch {
    throw bad();
  }
  return { instances: instances as number | 'max' };
}

/**
 * The count a change leads to from `current` processes; InvalidArgumentError when that is under 1 (PM2 would delete
 * the app's processes; `hive stop` and `hive delete` say so).
 */
export function changedCount(app: string, current: number, change: number): number {
  const next = current + change;
  if (next >= 1) return next;
  throw new InvalidArgumentError(
    `app ${JSON.stringify(app)} runs ${current} process${current === 1 ? '' : 'es'}: ${change} would leave none; ` +
      `an app keeps at least 1 (\`hive stop ${app}\` runs none and keeps it, \`hive delete ${app}\` forgets it)`,
  );
}
