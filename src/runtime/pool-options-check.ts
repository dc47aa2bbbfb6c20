import { isDeepStrictEqual } from 'node:util';
import { describeValue, InvalidArgumentError } from '../errors.js';
import type { PoolOptions } from '../pool/index.js';

type SharedPoolOptions = Omit<PoolOptions, 'filename'>;

/**
 * Refuses a later `pool(file, options)` call whose options differ from those the shared pool was created with: it
 * would get a pool that does not have them (silently, before). A later call without options, or with the same ones,
 * gets the pool; only the keys the later call gives are compared, so `pool(file)` anywhere after the set-up call
 * still works.
 */
export function checkSameOptions(file: string, first: SharedPoolOptions, later: SharedPoolOptions | undefined): void {
  if (later === undefined) return;
  if (typeof later !== 'object' || later === null) {
    throw new InvalidArgumentError(`Expected pool options to be an object, got ${describeValue(later)}`);
  }
  const differ = Object.keys(later).filter((key) => !isDeepStrictEqual(option(later, key), option(first, key)));
  if (differ.length === 0) return;
  const described = differ
    .map((key) => `${key}: ${show(option(first, key))} then ${show(option(later, key))}`)
    .join(', ');
  throw new InvalidArgumentError(
    `pool(${JSON.stringify(file)}) was created with other options (${described}); the shared pool of a task module ` +
      'has one set of options: pass the same ones, or none, after its first call',
  );
}

// maxThreads unset is 'auto', as the shared pool is created.
function option(options: SharedPoolOptions, key: string): unknown {
  const value = options[key as keyof SharedPoolOptions];
  return key === 'maxThreads' ? (value ?? 'auto') : value;
}

function show(value: unknown): string {
  if (value === undefined) return 'unset';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
