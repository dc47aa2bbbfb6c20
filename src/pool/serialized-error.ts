import { isMainThread } from 'node:worker_threads';
import { HiveError } from '../errors.js';
import {
  type CopyContext,
  type CopyLosses,
  cloneableCopy,
  isError,
  isLeftOut,
  MAX_VALUES,
  readField,
} from './cloneable-copy.js';
import { DataCloneError, hiveErrorClasses } from './errors.js';

/**
 * What the worker this code runs in is, for the clone errors it raises (sendError's, TaskRunner's): they run only in a
 * pool's worker, which is a worker thread, or under `isolation: 'process'` the main thread of a child process.
 */
export const workerKind: 'thread' | 'process' = isMainThread ? 'process' : 'thread';

/**
 * Errors cross threads as plain objects: structured clone keeps only an Error's message and stack, and would drop the
 * `code`, `cause` and custom fields that callers match on.
 *
 * A `cause` chain that loops (a.cause = b, b.cause = a) is kept as the same loop: the serialized objects refer to each
 * other, which structured clone (and the v8 serializer of `isolation: 'process'`) preserves, and deserializeError
 * rebuilds the loop between the Errors.
 */
export interface SerializedError {
  readonly __hiveError: true;
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly props: Record<string, unknown>;
  /** It was a HiveError in the worker: rebuilt as its class (hiveErrorClasses) on the pool's side. */
  readonly hive?: true;
  cause?: unknown;
}

/**
 * Native error classes a task's error is rebuilt as, by name, so that `instanceof TypeError` holds on the caller's
 * side as it does with piscina (structured clone does the same for these).
 */
const nativeErrorClasses: Readonly<Record<string, ErrorConstructor>> = {
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

/** Deeper `cause` chains are cut here (a placeholder string takes the next cause's place): clone depth is bounded. */
const MAX_CAUSE_DEPTH = 32;

/**
 * Never throws, whatever was thrown: an error's fields are read one by one and copied as structured clone can carry
 * them (cloneable-copy.ts). A field that cannot be read (a getter that throws, a Proxy trap) is left out and named in
 * `props.unreadable`; one that cannot be cloned (a function, a symbol, anywhere inside a field) is left out and named
 * in `props.uncloneable`. A throw escaping here used to end the worker's task loop without an answer, and the task
 * was lost.
 *
 * @param toThread - whether the copy goes to a thread (structured clone), or through a child process's channel (the v8
 *   serializer: SharedArrayBuffers and platform objects in fields are left out). By default, where this worker sends.
 */
export function serializeError(error: unknown, toThread = workerKind === 'thread'): unknown {
  const context: CopyContext = { seen: new Map(), budget: MAX_VALUES, toThread, error: serializeNested };
  try {
    return serialize(error, context, 0);
  } catch (failure) {
    // Only something as hostile as a Proxy whose every trap throws gets here.
    return placeholder(`the task threw a value that could not be read (${describe(failure)})`);
  }
}

function serializeNested(error: Error, context: CopyContext, fieldDepth: number): unknown {
  return serialize(error, context, 0, fieldDepth);
}

/**
 * @param depth - how far down a `cause` chain `error` is.
 * @param fieldDepth - how deep inside other errors' fields it is: its own fields are copied from there down.
 */
function serialize(error: unknown, context: CopyContext, depth: number, fieldDepth = 0): unknown {
  // A thrown non-Error goes as it is: a clone failure is sendError's to handle.
  if (!isError(error)) return error;
  const known = context.seen.get(error);
  if (known !== undefined) return known;
  const props: Record<string, unknown> = {};
  const losses: CopyLosses = { unreadable: [], uncloneable: [] };
  const name = tryRead(error, 'name');
  const message = tryRead(error, 'message');
  const stack = tryRead(error, 'stack');
  const out: SerializedError = {
    __hiveError: true,
    name: name.ok ? safeString(name.value, 'Error') : 'Error',
    message: message.ok ? safeString(message.value, '') : '',
    stack: stack.ok && typeof stack.value === 'string' ? stack.value : undefined,
    props,
    ...(isHiveError(error) ? { hive: true as const } : {}),
  };
  // Before the fields: one of them may lead back to this error.
  context.seen.set(error, out);
  let keys: string[] = [];
  try {
    keys = Object.keys(error);
    // AggregateError's `errors` is an own field, but not enumerable.
    if (!keys.includes('errors') && Object.hasOwn(error, 'errors')) keys.push('errors');
  } catch {
    losses.unreadable.push('(keys)');
  }
  for (const key of keys) {
    if (key === 'cause') continue;
    const read = readField(error, key, key, losses);
    const copy = isLeftOut(read) ? read : cloneableCopy(read, key, context, losses, fieldDepth);
    if (!isLeftOut(copy)) props[key] = copy;
  }
  const cause = readField(error, 'cause', 'cause', losses);
  if (!isLeftOut(cause) && cause !== undefined) {
    const copy =
      depth >= MAX_CAUSE_DEPTH
        ? '[cause chain cut]'
        : isError(cause)
          ? serialize(cause, context, depth + 1, fieldDepth)
          : cloneableCopy(cause, 'cause', context, losses, fieldDepth);
    if (!isLeftOut(copy)) out.cause = copy;
  }
  if (losses.unreadable.length > 0) props.unreadable = losses.unreadable.join(', ');
  if (losses.uncloneable.length > 0) props.uncloneable = losses.uncloneable.join(', ');
  return out;
}

/**
 * Sends a task's (or a module load's) error with `send`, which throws when the message cannot be cloned. Uncaught,
 * that throw took the worker down and the caller got ERR_HIVE_THREAD_EXITED instead. The copy of an error's fields
 * always clones, but for a thrown non-Error, which goes as it is: one that cannot be cloned (an object with a method)
 * becomes ERR_HIVE_DATA_CLONE.
 */
export function sendError(send: (serialized: unknown) => void, error: unknown): void {
  try {
    send(serializeError(error));
  } catch (cloneError) {
    const unclonable = serializeError(new DataCloneError('error', cloneError, workerKind));
    const serialized = serializeError(error);
    send(
      isSerialized(serialized)
        ? { ...serialized, props: primitiveFields(serialized.props), cause: unclonable }
        : unclonable,
    );
  }
}

export function deserializeError(value: unknown): unknown {
  return deserialize(value, new Map());
}

function deserialize(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (!isSerialized(value)) return rebuildInside(value, seen);
  const error = Reflect.construct(Error, [value.message], errorClass(value)) as Error;
  seen.set(value, error);
  Object.defineProperty(error, 'name', { value: value.name, configurable: true, writable: true });
  if (value.stack !== undefined) error.stack = value.stack;
  for (const [key, field] of Object.entries(value.props)) {
    const rebuilt = deserialize(field, seen);
    // As AggregateError has it: an own field, not enumerable.
    if (key === 'errors') Object.defineProperty(error, key, { value: rebuilt, configurable: true, writable: true });
    else (error as unknown as Record<string, unknown>)[key] = rebuilt;
  }
  if (value.cause !== undefined) {
    // As `new Error(message, { cause })` defines it, after the entry in `seen`, so a loop closes on this error.
    Object.defineProperty(error, 'cause', {
      value: deserialize(value.cause, seen),
      configurable: true,
      writable: true,
    });
  }
  return error;
}

/**
 * Replaces, in place, the serialized errors nested in a field's value (an array of errors, an object holding one) by
 * Errors. In place is safe: the value is the pool's own clone of what the worker sent.
 */
function rebuildInside(value: object, seen: Map<object, unknown>): unknown {
  seen.set(value, value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = deserialize(value[i], seen);
  } else if (value instanceof Map) {
    for (const [key, item] of value) value.set(key, deserialize(item, seen));
  } else if (value instanceof Set) {
    const items = [...value];
    value.clear();
    for (const item of items) value.add(deserialize(item, seen));
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = deserialize(record[key], seen);
  }
  return value;
}

/**
 * The class to rebuild an error as: its constructor is not called (its arguments are gone), only its prototype used.
 */
function errorClass(value: SerializedError): new (...args: never[]) => Error {
  const code = value.props.code;
  if (value.hive === true) return (typeof code === 'string' ? hiveErrorClasses[code] : undefined) ?? HiveError;
  return nativeErrorClasses[value.name] ?? Error;
}

function isHiveError(value: unknown): boolean {
  try {
    return value instanceof HiveError;
  } catch {
    return false;
  }
}

function isSerialized(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false;
  const { __hiveError, props } = value as Partial<SerializedError>;
  // `props` too: a task's own data nested in a field may hold a `__hiveError` of its own.
  return __hiveError === true && typeof props === 'object' && props !== null;
}

function tryRead(target: object, key: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: (target as Record<string, unknown>)[key] };
  } catch {
    return { ok: false };
  }
}

function safeString(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return fallback;
  }
}

function describe(value: unknown): string {
  const message = isError(value) ? tryRead(value, 'message') : { ok: true as const, value };
  return message.ok ? safeString(message.value, 'unknown') : 'unknown';
}

function placeholder(message: string): SerializedError {
  return { __hiveError: true, name: 'Error', message, stack: undefined, props: {} };
}

/** The fields that always clone, for when a copy of the rest still failed. */
function primitiveFields(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) {
      out[key] = value;
    }
  }
  return out;
}
