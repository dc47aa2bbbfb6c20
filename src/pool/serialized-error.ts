import { HiveError } from '../errors.js';
import { DataCloneError, hiveErrorClasses } from './errors.js';

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
 * Never throws, whatever was thrown: an error's fields are read one by one, and one that cannot be read (a getter
 * that throws, a Proxy trap) is left out, named in `props.unreadable`. A throw escaping here used to end the worker's
 * task loop without an answer, and the task was lost.
 */
export function serializeError(error: unknown): unknown {
  try {
    return serialize(error, new Map(), 0);
  } catch (failure) {
    // Only something as hostile as a Proxy whose every trap throws gets here.
    return placeholder(`the task threw a value that could not be read (${describe(failure)})`);
  }
}

function serialize(error: unknown, seen: Map<object, SerializedError>, depth: number): unknown {
  if (!isError(error)) return error;
  const known = seen.get(error);
  if (known !== undefined) return known;
  const props: Record<string, unknown> = {};
  const unreadable: string[] = [];
  let keys: string[] = [];
  try {
    keys = Object.keys(error);
  } catch {
    unreadable.push('(keys)');
  }
  for (const key of keys) {
    if (key === 'cause') continue;
    const read = tryRead(error, key);
    if (!read.ok) unreadable.push(key);
    else if (isPlain(read.value)) props[key] = read.value;
  }
  if (unreadable.length > 0) props.unreadable = unreadable.join(', ');
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
  seen.set(error, out);
  const cause = tryRead(error, 'cause');
  if (!cause.ok) props.unreadable = [props.unreadable, 'cause'].filter(Boolean).join(', ');
  else if (cause.value !== undefined) {
    out.cause = depth >= MAX_CAUSE_DEPTH ? '[cause chain cut]' : serialize(cause.value, seen, depth + 1);
  }
  return out;
}

/**
 * Sends a task's (or a module load's) error with `send`, which throws when the message cannot be cloned: a thrown
 * object with a method, an error whose `cause` holds a function (client libraries' errors often carry their request
 * config). Uncaught, that throw took the worker down and the caller got ERR_HIVE_THREAD_EXITED instead. Then what can
 * be cloned goes: the error (name, message, stack and plain fields always clone) with an ERR_HIVE_DATA_CLONE as its
 * cause, or that ERR_HIVE_DATA_CLONE for a thrown non-Error.
 */
export function sendError(send: (serialized: unknown) => void, error: unknown): void {
  try {
    send(serializeError(error));
  } catch (cloneError) {
    const unclonable = serializeError(new DataCloneError('error', cloneError));
    const serialized = serializeError(error);
    send(isSerialized(serialized) ? { ...serialized, cause: unclonable } : unclonable);
  }
}

export function deserializeError(value: unknown): unknown {
  return deserialize(value, new Map());
}

function deserialize(value: unknown, seen: Map<SerializedError, Error>): unknown {
  if (!isSerialized(value)) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  const error = Reflect.construct(Error, [value.message], errorClass(value)) as Error;
  seen.set(value, error);
  Object.defineProperty(error, 'name', { value: value.name, configurable: true, writable: true });
  if (value.stack !== undefined) error.stack = value.stack;
  Object.assign(error, value.props);
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

/** The class to rebuild an error as: its constructor is not called (its arguments are gone), only its prototype used. */
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
  return typeof value === 'object' && value !== null && (value as SerializedError).__hiveError === true;
}

function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
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

function isPlain(value: unknown): boolean {
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined';
}
