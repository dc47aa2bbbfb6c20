import * as workerThreads from 'node:worker_threads';
import { MessagePort, type TransferListItem } from 'node:worker_threads';
import { describeValue, InvalidArgumentError } from '../errors.js';

const kMoved = Symbol.for('hive.pool.moved');

/** A value wrapped with the objects to transfer (not copy) along with it. See {@link move}. */
export interface Moved<T> {
  readonly [kMoved]: true;
  readonly value: T;
  readonly transferList: readonly TransferListItem[];
}

/**
 * Marks a value for transfer rather than copy, both ways: `return move(result)` in a task hands the result to the
 * caller, and `pool.run(move(buffer))` hands an input to the task (as `transfer` does); the giving side loses it.
 * Without `transferList` (piscina's one-argument form) the value must be an ArrayBuffer, a typed array or DataView
 * (its buffer moves, the caller gets the view) or a MessagePort; anything else throws ERR_HIVE_INVALID_ARGUMENT.
 */
export function move<T>(value: T, transferList?: readonly TransferListItem[]): Moved<T> {
  if (transferList === undefined) return wrap(value, [transferableOf(value)]);
  if (!Array.isArray(transferList)) {
    throw new InvalidArgumentError(
      `Expected move()'s transfer list to be an array, got ${describeValue(transferList)}`,
    );
  }
  return wrap(value, transferList);
}

function wrap<T>(value: T, transferList: readonly TransferListItem[]): Moved<T> {
  // `moveWrapper` holds a symbol, which structured clone refuses: a wrapper nested in an input or a result (only a
  // whole one is unwrapped) fails the task, and nestedMoveError names where it sat, rather than the wrapper being
  // copied as a plain `{ value, transferList }` and its buffers copied, not moved.
  return { [kMoved]: true, value, transferList, moveWrapper: kMoved } as Moved<T>;
}

const kPiscinaTransferable = Symbol.for('Piscina.transferable');
const kPiscinaValue = Symbol.for('Piscina.valueOf');

/**
 * A whole input or result given as move(): Hive's wrapper, or piscina's (`Piscina.move()`, or an object implementing
 * its Transferable interface), so that a task module not yet migrated from piscina still moves its result.
 */
export function movedOf(value: unknown): Moved<unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<symbol, unknown>;
  let transferable: unknown;
  try {
    if (record[kMoved] === true) return value as Moved<unknown>;
    transferable = record[kPiscinaTransferable];
  } catch {
    // A Proxy whose trap throws is no wrapper: the clone refuses it (ERR_HIVE_DATA_CLONE), rather than run() throwing.
    return undefined;
  }
  if (transferable === undefined) return undefined;
  return wrap(record[kPiscinaValue], [transferable as TransferListItem]);
}

/**
 * Only after a clone failed (never on the hot path): an ERR_HIVE_INVALID_ARGUMENT naming where a move() wrapper sat
 * nested in `value`, or undefined when there is none (within a bounded walk of arrays, plain objects, Maps, Sets).
 */
export function nestedMoveError(what: 'input' | 'result', value: unknown): InvalidArgumentError | undefined {
  let path: string | undefined;
  try {
    path = findMove(value, what, new Set(), { left: 10_000 });
  } catch {
    // A getter (or a Proxy trap) that throws, which is likely what failed the clone: the caller reports the clone's
    // error. Thrown from here, it escaped run() (or a worker's answer), and the task never settled.
    return undefined;
  }
  if (path === undefined || path === what) return undefined;
  return new InvalidArgumentError(
    `move() wraps a whole ${what}, not a value nested in it (found at ${path}): ${what === 'input' ? 'pass `transfer: [buffer]` with the input, or pool.run(move(input, [buffer]))' : 'return move(result, [buffer])'}`,
  );
}

function findMove(value: unknown, path: string, seen: Set<object>, budget: { left: number }): string | undefined {
  if (typeof value !== 'object' || value === null || seen.has(value) || --budget.left < 0) return undefined;
  seen.add(value);
  if ((value as Record<symbol, unknown>)[kMoved] === true) return path;
  let entries: Iterable<[string, unknown]>;
  if (Array.isArray(value)) entries = value.map((item, index) => [`[${index}]`, item] as [string, unknown]);
  else if (value instanceof Map) entries = [...value].map(([key, item]) => [`.get(${String(key)})`, item]);
  else if (value instanceof Set) entries = [...value].map((item) => ['.<Set item>', item]);
  else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    entries = Object.entries(value).map(([key, item]) => [`.${key}`, item]);
  } else return undefined;
  for (const [step, item] of entries) {
    const found = findMove(item, path + step, seen, budget);
    if (found !== undefined) return found;
  }
  return undefined;
}

function transferableOf(value: unknown): TransferListItem {
  if (value instanceof ArrayBuffer || value instanceof MessagePort) return value;
  // A view on a SharedArrayBuffer has nothing to move (it is shared already) and postMessage refuses one in the list.
  if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) return value.buffer;
  // Said as such: the generic message below would call a Uint8Array "an object".
  if (ArrayBuffer.isView(value) || value instanceof SharedArrayBuffer) {
    const what = value instanceof SharedArrayBuffer ? 'a SharedArrayBuffer' : 'a view on a SharedArrayBuffer';
    throw new InvalidArgumentError(
      `move(value) got ${what}: it is shared already, nothing to move; pass it as it is (both sides see the same memory)`,
    );
  }
  throw new InvalidArgumentError(
    `move(value) without a transfer list takes an ArrayBuffer, a typed array, a DataView or a MessagePort, got ${describeValue(value)}; pass the list for other values: move(value, [buffer])`,
  );
}

/**
 * A `run()` input given as move(value): the value, and the transfer list merged with the caller's `transfer` (an item
 * in both listed once, as postMessage refuses duplicates).
 */
export function unwrapMovedInput(
  input: Moved<unknown>,
  transfer: TransferListItem[] | undefined,
): [unknown, TransferListItem[]] {
  const list = transfer === undefined ? [] : [...transfer];
  for (const item of input.transferList) if (!list.includes(item)) list.push(item);
  return [input.value, list];
}

/** Whether a task returned a {@link move} wrapper (branded with a global symbol, so any copy of Hive's works). */
export function isMoved(value: unknown): value is Moved<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kMoved] === true;
}

/**
 * Whether a transfer list holds an ArrayBuffer that is already detached (given to an earlier task, or transferred
 * elsewhere). postMessage accepts one when it is also in the transfer list and delivers an empty buffer, so the task
 * would run on no data; a child process's serializer refuses it. Checked before sending, to refuse it in both.
 */
export function holdsDetachedBuffer(list: readonly TransferListItem[]): boolean {
  for (const item of list) {
    // Only an empty buffer can be detached; Node 20 has no ArrayBuffer#detached, but a view on a detached one throws.
    if (!(item instanceof ArrayBuffer) || item.byteLength > 0) continue;
    try {
      new Uint8Array(item);
    } catch {
      return true;
    }
  }
  return false;
}

// Node >= 21 only (nodejs/node#47604); undeclared in @types/node 20, and a named import of it would not link on 20.
const isMarkedAsUntransferable = (workerThreads as { isMarkedAsUntransferable?: (object: unknown) => boolean })
  .isMarkedAsUntransferable;

/**
 * The ArrayBuffers of a transfer list bound for a child process, or the error a thread's postMessage would raise for
 * the list (same messages). A MessagePort is refused too: it cannot reach another process. So is an ArrayBuffer
 * marked untransferable (the shared pool behind small Buffers) on Node >= 21, where postMessage refuses it; Node 20's
 * postMessage copies one and leaves it attached, and so does the process path there.
 */
export function processTransferBuffers(list: readonly TransferListItem[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const item of list) {
    // A SharedArrayBuffer is not an instanceof ArrayBuffer, and is refused as a thread refuses it.
    if (item instanceof ArrayBuffer) {
      if (buffers.includes(item)) {
        throw new DOMException('Transfer list contains duplicate ArrayBuffer', 'DataCloneError');
      }
      if (isMarkedAsUntransferable?.(item)) {
        throw new DOMException('Cannot transfer object of unsupported type.', 'DataCloneError');
      }
      buffers.push(item);
    } else if (item instanceof MessagePort) {
      throw new TypeError("A MessagePort cannot be sent to a child process (isolation: 'process')");
    } else {
      throw new TypeError('Found invalid object in transferList');
    }
  }
  return buffers;
}
