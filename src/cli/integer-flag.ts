import { describeValue, InvalidArgumentError } from '../errors.js';

/**
 * A flag's whole number from its text, `min` to `max` (Infinity: no upper bound): digits only (Number() would read ''
 * as 0 and take 1e3, 0x10 or ' 5'). InvalidArgumentError (exit 2) naming the flag, the range (with its unit, if
 * given) and the value otherwise.
 */
export function integerFlag(value: string, flag: string, min: number, max: number, unit?: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) {
    // Worded as the option errors are (src/pool/options.ts), where there is no upper bound.
    const range =
      max !== Number.POSITIVE_INFINITY
        ? `an integer ${min}-${max}`
        : min === 0
          ? 'a non-negative integer'
          : `an integer >= ${min}`;
    const what = `${range}${unit === undefined ? '' : ` (${unit})`}`;
    throw new InvalidArgumentError(`Expected ${flag} to be ${what}, got ${describeValue(value)}`);
  }
  return n;
}

/** A port number 0-65535 from a flag's text; InvalidArgumentError naming the flag otherwise. */
export function parsePort(value: string, flag = '--port'): number {
  return integerFlag(value, flag, 0, 65535);
}
