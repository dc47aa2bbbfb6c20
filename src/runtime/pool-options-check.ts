import { isDeepStrictEqual } from 'node:util';
import { describeValue, InvalidArgumentError } from '../errors.js';
import type { PoolOptions } from '../pool/index.js';
import { ENV } from './protocol.js';

type SharedPoolOptions = Omit<PoolOptions, 'filename'>;

/**
 * Refuses a later `pool(file, options)` call whose options differ from those the shared pool was created with: it
 * would get a pool that does not have them (silently, before). A later call without options, or with the same ones,
 * gets the pool; only the keys the later call gives are compared, so `pool(file)` anywhere after the set-up call
 * still works. The message names what differs, not the values of an object option: an `env` holds the app's secrets,
 * and an app may well send an error's message back to its client.
 */
export function checkSameOptions(file: string, first: SharedPoolOptions, later: SharedPoolOptions | undefined): void {
  if (later === undefined) return;
  if (typeof later !== 'object' || later === null) {
    throw new InvalidArgumentError(`Expected pool options to be an object, got ${describeValue(later)}`);
  }
  const differ = Object.keys(later).filter((key) => !isDeepStrictEqual(option(later, key), option(first, key)));
  if (differ.length === 0) return;
  const described = differ.map((key) => difference(key, option(first, key), option(later, key))).join(', ');
  throw new InvalidArgumentError(
    `pool(${JSON.stringify(file)}) was created with other options (${described}); the shared pool of a task module ` +
      'has one set of options: pass the same ones, or none, after its first call',
  );
}

// maxThreads unset is 'auto', as the shared pool is created. An env is compared without HIVE_CLUSTER_SIZE, which Hive
// itself changes on a scale: `pool(file, { env: { ...process.env, X: '1' } })` on every request would be refused from
// the first scale on in the processes that were running.
function option(options: SharedPoolOptions, key: string): unknown {
  const value = options[key as keyof SharedPoolOptions];
  if (key === 'maxThreads') return value ?? 'auto';
  if (key === 'env' && isRecord(value)) {
    const { [ENV.clusterSize]: _, ...rest } = value;
    return rest;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A scalar is shown as given; an object by the names of its entries that differ (at most 5), never their values.
function difference(key: string, first: unknown, later: unknown): string {
  if (!isRecord(first) || !isRecord(later)) {
    const scalar = (value: unknown) => value === null || (typeof value !== 'object' && typeof value !== 'function');
    return scalar(first) && scalar(later) ? `${key}: ${show(first)} then ${show(later)}` : `${key} differs`;
  }
  const names = [...new Set([...Object.keys(first), ...Object.keys(later)])].filter(
    (name) => !isDeepStrictEqual(first[name], later[name]),
  );
  if (names.length === 0) return `${key} differs`;
  const more = names.length > 5 ? ` and ${names.length - 5} more` : '';
  return `${key} differs in ${names
    .slice(0, 5)
    .map((name) => JSON.stringify(name))
    .join(', ')}${more}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'unset';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
