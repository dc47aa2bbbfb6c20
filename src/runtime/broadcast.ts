import { describeValue, InvalidArgumentError } from '../errors.js';
import { sendToPrimary } from './ipc.js';
import { type BroadcastHandler, type RuntimeState, runtimeState } from './state.js';

/**
 * Sends `data` to every other process of the app (not this one), relayed by the primary over IPC. The channel
 * serializes as JSON (node's default for cluster workers), so `data` arrives as `JSON.parse(JSON.stringify(data))`;
 * what JSON cannot hold (a BigInt, a cycle, a top-level undefined or function) throws ERR_HIVE_INVALID_ARGUMENT
 * here rather than being lost on the way. Without a Hive primary there is no other process: it checks `data` and
 * sends nothing. A function, BigInt, symbol or `undefined` is a compile error too (`unknown` still compiles, and is
 * checked here).
 */
export function broadcast<T>(data: Broadcastable<T>): void {
  checkSendable(data);
  sendToPrimary({ hive: 1, type: 'broadcast', data });
}

/**
 * What {@link broadcast} takes: `T`, unless it is a value JSON has no text for at the top level (a function, a BigInt,
 * a symbol, `undefined`), which would be lost on the way.
 */
export type Broadcastable<T> = T extends bigint | symbol | undefined | ((...args: never[]) => unknown) ? never : T;

/**
 * Registers a handler of the other processes' broadcasts: `handler(data, from)`, `from` being the sender's instance.
 * Returns a function that unregisters it. `T` is the app's word for what its processes send: nothing checks it.
 */
export function onBroadcast<T = unknown>(handler: (data: T, from: number) => void): () => void {
  if (typeof handler !== 'function') {
    throw new InvalidArgumentError(`Expected onBroadcast's handler to be a function, got ${describeValue(handler)}`);
  }
  const handlers = handlersOf(runtimeState());
  const stored = handler as BroadcastHandler;
  handlers.push(stored);
  return () => {
    const index = handlers.indexOf(stored);
    if (index !== -1) handlers.splice(index, 1);
  };
}

/** A broadcast of process `from` arrived: every handler gets it, whatever another one throws. */
export function deliverBroadcast(state: RuntimeState, data: unknown, from: number): void {
  // A copy: a handler that unregisters itself (or another) must not make the next one skipped.
  for (const handler of [...handlersOf(state)]) {
    try {
      handler(data, from);
    } catch (error) {
      console.error('hive: an onBroadcast handler failed:', error);
    }
  }
}

function handlersOf(state: RuntimeState): BroadcastHandler[] {
  // Absent from the shared state an older copy of the runtime created.
  state.broadcastHandlers ??= [];
  return state.broadcastHandlers;
}

function checkSendable(data: unknown): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new InvalidArgumentError(`broadcast() data must be JSON-serializable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (json === undefined) {
    throw new InvalidArgumentError(`broadcast() data must be JSON-serializable, got ${describeValue(data)}`);
  }
}
