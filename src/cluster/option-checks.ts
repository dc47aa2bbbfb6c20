// Type checks of the Supervisor's options at the door: each names the key and what it expected, as the other checks do.
import { describeValue, InvalidArgumentError } from '../errors.js';

/**
 * Refuses a key that is not in `known`: a misspelt option (`instancez`, `killtimeout`) would otherwise be dropped
 * without a word, and the app run without what was asked for.
 */
export function assertKnownKeys(value: object, known: ReadonlySet<string>, what: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw new InvalidArgumentError(`Unknown ${what} option \`${key}\` (known: ${[...known].join(', ')})`);
    }
  }
}

/**
 * An array of strings, copied; `[]` when not given. A string is refused rather than split: `'--a --b'` is not a
 * list of two, and each of its characters spread as a flag starts a process that hangs.
 */
export function stringList(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(`Expected \`${key}\` to be an array of strings, got ${describeValue(value)}`);
  }
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string') {
      throw new InvalidArgumentError(`Expected \`${key}[${index}]\` to be a string, got ${describeValue(item)}`);
    }
  });
  return [...(value as string[])];
}

/** An object of strings (an environment), copied. */
export function stringRecord(value: unknown, key: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`Expected \`${key}\` to be an object of strings, got ${describeValue(value)}`);
  }
  const copy: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new InvalidArgumentError(`Expected \`${key}.${name}\` to be a string, got ${describeValue(item)}`);
    }
    copy[name] = item;
  }
  return copy;
}

/** A boolean, `fallback` when not given. */
export function booleanOption(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new InvalidArgumentError(`Expected \`${key}\` to be a boolean, got ${describeValue(value)}`);
}

/** A non-empty string, or undefined when not given. */
export function textOption(value: unknown, key: string, expected = 'a non-empty string'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  throw new InvalidArgumentError(`Expected \`${key}\` to be ${expected}, got ${describeValue(value)}`);
}
