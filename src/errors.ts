/**
 * The error catalogue's base: every error Hive raises is a `HiveError` with a stable `code` (`ERR_HIVE_*`),
 * documented in docs/errors.md.
 */

const kHiveError = Symbol.for('hive.error');

/** Base class of every error Hive raises. `code` is stable across versions; `message` is for people. */
export class HiveError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  get [kHiveError](): true {
    return true;
  }

  // instanceof works across copies of the package (a task module may resolve its own copy).
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass instanceof was asked about.
    if (this !== HiveError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kHiveError] === true;
  }
}

/** An option or argument failed validation; the message names the key and the value. */
export class InvalidArgumentError extends HiveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_HIVE_INVALID_ARGUMENT', message, options);
  }
}

/** Describes a value for an error message: `5 (number)`, `"x" (string)`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (string)`;
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  if (typeof value === 'function') return 'a function';
  return `${String(value)} (${typeof value})`;
}
