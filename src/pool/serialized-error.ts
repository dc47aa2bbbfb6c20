import { DataCloneError } from './errors.js';

/**
 * Errors cross threads as plain objects: structured clone keeps only an Error's message and stack, and would drop the
 * `code`, `cause` and custom fields that callers match on.
 */
export interface SerializedError {
  readonly __hiveError: true;
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly props: Record<string, unknown>;
  readonly cause?: unknown;
}

export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (isPlain(value)) props[key] = value;
  }
  const out: SerializedError = {
    __hiveError: true,
    name: error.name,
    message: error.message,
    stack: error.stack,
    props,
  };
  return error.cause === undefined ? out : { ...out, cause: serializeError(error.cause) };
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
    send(error instanceof Error ? { ...(serializeError(error) as SerializedError), cause: unclonable } : unclonable);
  }
}

export function deserializeError(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || (value as SerializedError).__hiveError !== true) return value;
  const data = value as SerializedError;
  const error = new Error(data.message, data.cause === undefined ? undefined : { cause: deserializeError(data.cause) });
  Object.defineProperty(error, 'name', { value: data.name, configurable: true, writable: true });
  if (data.stack !== undefined) error.stack = data.stack;
  Object.assign(error, data.props);
  return error;
}

function isPlain(value: unknown): boolean {
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined';
}
