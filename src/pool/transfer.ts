import type { TransferListItem } from 'node:worker_threads';

const kMoved = Symbol.for('hive.pool.moved');

/** A value wrapped with the objects to transfer (not copy) along with it. See {@link move}. */
export interface Moved<T> {
  readonly [kMoved]: true;
  readonly value: T;
  readonly transferList: readonly TransferListItem[];
}

/**
 * Marks a task's return value for transfer: `return move(result, [result.buffer])` hands the ArrayBuffer to the caller
 * without a copy (the task's side loses it). For inputs, pass `transfer` in `pool.run()` options instead.
 */
export function move<T>(value: T, transferList: readonly TransferListItem[]): Moved<T> {
  return { [kMoved]: true, value, transferList };
}

/** Whether a task returned a {@link move} wrapper (branded with a global symbol, so any copy of Hive's works). */
export function isMoved(value: unknown): value is Moved<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kMoved] === true;
}
