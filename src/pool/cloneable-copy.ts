import { types } from 'node:util';

/**
 * Copies what a task's error holds in its fields into values that structured clone (and the v8 serializer of
 * `isolation: 'process'`) always accepts, so that one bad field never costs the rest of the error: objects, arrays,
 * Maps, Sets, Dates, RegExps, bigints, binary data and nested errors are kept; so are the platform objects the channel
 * clones (Blob, KeyObject, BlockList, SocketAddress: a thread's, not a process's); a function, a symbol or a platform
 * object the channel refuses (a MessagePort; URL since Node 21) is left out; a field whose getter (or Proxy trap)
 * throws is left out. Each one left out is named by its path, so that a field that
 * is missing on the caller's side is explained. Loops and shared references are kept as such.
 *
 * Bounded, so that an error carrying a huge graph (a client error holding its socket) cannot stall the worker: past
 * MAX_DEPTH levels or MAX_VALUES values the rest is replaced by a string saying so.
 */
export interface CopyContext {
  /** Copies already made, by original: loops and shared references stay so. */
  readonly seen: Map<object, unknown>;
  /** How many values may still be copied. */
  budget: number;
  /**
   * Whether the copy goes to a thread (structured clone: SharedArrayBuffers and Node's cloneable platform objects
   * kept), or through a child process's channel (the v8 serializer, which refuses both).
   */
  readonly toThread: boolean;
  /** Copies an Error met inside a field (its own fields, cause and all). */
  readonly error: (error: Error, context: CopyContext, depth: number) => unknown;
}

/** What the copy lost: paths of fields left out, as `a.b[2]`. */
export interface CopyLosses {
  readonly unreadable: string[];
  readonly uncloneable: string[];
}

const MAX_DEPTH = 16;
export const MAX_VALUES = 10_000;
/** Marks a value left out (a function, a symbol, a field that could not be read). */
const LEFT_OUT: unique symbol = Symbol('left out');

/** A copy of `value` that structured clone accepts, or LEFT_OUT; never throws. */
export function cloneableCopy(
  value: unknown,
  path: string,
  context: CopyContext,
  losses: CopyLosses,
  depth = 0,
): unknown {
  const type = typeof value;
  if (type === 'function' || type === 'symbol') {
    losses.uncloneable.push(path);
    return LEFT_OUT;
  }
  if (type !== 'object' || value === null) return value;
  const object = value as object;
  if (context.seen.has(object)) return context.seen.get(object);
  if (context.budget <= 0) return '[left out: the error holds too many values]';
  if (depth >= MAX_DEPTH) return '[left out: nested too deep]';
  context.budget--;
  try {
    return copyObject(object, path, context, losses, depth);
  } catch {
    // A Proxy whose traps throw, or a Map or Set whose iteration was tampered with.
    losses.unreadable.push(path);
    return LEFT_OUT;
  }
}

export function isLeftOut(value: unknown): value is typeof LEFT_OUT {
  return value === LEFT_OUT;
}

function copyObject(object: object, path: string, context: CopyContext, losses: CopyLosses, depth: number): unknown {
  const { seen } = context;
  if (isError(object)) return context.error(object, context, depth + 1);
  // Leaves structured clone copies as they are (their internal data is not reachable through their fields).
  if (types.isDate(object)) return keep(seen, object, new Date(Date.prototype.getTime.call(object)));
  if (types.isRegExp(object) || types.isArrayBuffer(object)) return keep(seen, object, object);
  if (types.isSharedArrayBuffer(object) || types.isArrayBufferView(object)) {
    const buffer = types.isArrayBufferView(object) ? object.buffer : object;
    if (context.toThread || !types.isSharedArrayBuffer(buffer)) return keep(seen, object, object);
    losses.uncloneable.push(path);
    return LEFT_OUT;
  }
  if (types.isBoxedPrimitive(object)) {
    const primitive: unknown = object.valueOf();
    if (typeof primitive === 'symbol') {
      losses.uncloneable.push(path);
      return LEFT_OUT;
    }
    return keep(seen, object, primitive);
  }
  const next = depth + 1;
  if (Array.isArray(object)) {
    const copy: unknown[] = [];
    seen.set(object, copy);
    const length = object.length;
    for (let i = 0; i < length; i++) {
      const item = readField(object, i, `${path}[${i}]`, losses);
      const cloned = isLeftOut(item) ? item : cloneableCopy(item, `${path}[${i}]`, context, losses, next);
      copy.push(isLeftOut(cloned) ? undefined : cloned);
    }
    return copy;
  }
  if (types.isMap(object)) {
    const copy = new Map<unknown, unknown>();
    seen.set(object, copy);
    let i = 0;
    for (const [key, item] of object as Map<unknown, unknown>) {
      const at = `${path}.<entry ${i++}>`;
      const k = cloneableCopy(key, at, context, losses, next);
      const v = isLeftOut(k) ? k : cloneableCopy(item, at, context, losses, next);
      if (!isLeftOut(v)) copy.set(k, v);
    }
    return copy;
  }
  if (types.isSet(object)) {
    const copy = new Set<unknown>();
    seen.set(object, copy);
    let i = 0;
    for (const item of object as Set<unknown>) {
      const v = cloneableCopy(item, `${path}.<entry ${i++}>`, context, losses, next);
      if (!isLeftOut(v)) copy.add(v);
    }
    return copy;
  }
  // A platform object (Blob, KeyObject, URL) holds its data out of reach of its fields, which the walk below would
  // turn into an unexplained {}: structured clone says whether it crosses as itself, or not at all.
  if (Object.keys(object).length === 0 && !isPlainPrototype(object)) {
    const platform = platformClone(object, context.toThread);
    if (platform === 'kept') return keep(seen, object, object);
    if (platform === 'refused') {
      losses.uncloneable.push(path);
      return LEFT_OUT;
    }
  }
  // A plain object, or a class instance: structured clone keeps an instance's own enumerable fields, as a plain object.
  const copy: Record<string, unknown> = {};
  seen.set(object, copy);
  for (const key of Object.keys(object)) {
    const at = `${path}.${key}`;
    const item = readField(object, key, at, losses);
    const cloned = isLeftOut(item) ? item : cloneableCopy(item, at, context, losses, next);
    if (!isLeftOut(cloned)) copy[key] = cloned;
  }
  return copy;
}

/** `object[key]`, or LEFT_OUT (the path named unreadable) when reading it throws. */
export function readField(object: object, key: string | number, path: string, losses: CopyLosses): unknown {
  try {
    return (object as Record<string | number, unknown>)[key];
  } catch {
    losses.unreadable.push(path);
    return LEFT_OUT;
  }
}

function isPlainPrototype(object: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(object);
  return prototype === Object.prototype || prototype === null;
}

/**
 * What structured clone makes of a field-less class instance: a plain object (a class of the task's own: {} on the
 * other side too), itself (a platform object a thread receives: Blob, KeyObject, WebAssembly.Module...), or its
 * error. Cheap: there are no fields. The one test both the error copy here and process-codec.ts's walk go by.
 */
export function structuredCloneKind(object: object): 'kept' | 'plain' | Error {
  let clone: unknown;
  try {
    clone = structuredClone(object);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return isPlainPrototype(clone as object) ? 'plain' : 'kept';
}

// How the channel clones such an instance: a platform object only a thread receives (the v8 serializer of a process's
// channel refuses it, or makes it {} as Node 24 does a Blob).
function platformClone(object: object, toThread: boolean): 'kept' | 'plain' | 'refused' {
  const kind = structuredCloneKind(object);
  if (kind instanceof Error) return 'refused';
  return kind === 'plain' || toThread ? kind : 'refused';
}

function keep<T>(seen: Map<object, unknown>, original: object, copy: T): T {
  seen.set(original, copy);
  return copy;
}

// An error of another realm (thrown by code a task runs with node:vm) is no `instanceof Error` here: node's own test
// knows it by its internal slot, as structured clone does.
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error || types.isNativeError(value);
  } catch {
    return false;
  }
}
