import { performance } from 'node:perf_hooks';
import type { TransferListItem } from 'node:worker_threads';
import { DataCloneError, TaskNotFoundError } from './errors.js';
import type { TaskContext, TaskFunction } from './load-task-module.js';
import { type Batch, FAILURE, PROGRESS, RESULT, type WorkerMessage } from './protocol.js';
import { sendError, serializeError, workerKind } from './serialized-error.js';
import { movedOf, nestedMoveError } from './transfer.js';

export type Send = (message: WorkerMessage, transfer?: readonly TransferListItem[]) => void;
/** Claims the task with this sequence number; false when the parent cancelled or moved it first. */
export type Claim = (seq: number) => boolean;

/**
 * In place of an input the worker could not read (a child process decodes each input itself: see process-codec): its
 * task is claimed as any other, then fails with ERR_HIVE_DATA_CLONE instead of running.
 */
export class UndeliverableInput {
  constructor(readonly error: unknown) {}
}

/**
 * Runs the tasks a worker receives, one at a time in arrival order, streaming one message back per task as it
 * finishes (so a worker that dies mid-batch has already handed back every result it produced). Synchronous tasks
 * run in a tight loop; the loop only yields to the event loop when a task returns a promise.
 */
export class TaskRunner {
  readonly #fns: Map<string, TaskFunction>;
  readonly #filename: string;
  readonly #send: Send;
  readonly #claim: Claim;
  #names: (string | undefined)[] = [];
  #inputs: unknown[] = [];
  #head = 0;
  #seq = 0;
  #running = false;
  #current = -1;

  readonly #waitForMore: () => boolean;

  /**
   * @param waitForMore - called when the queue ran dry while running synchronously; may block briefly for more
   *   batches and push them; returns whether it did.
   */
  constructor(filename: string, fns: Map<string, TaskFunction>, send: Send, claim: Claim, waitForMore = () => false) {
    this.#waitForMore = waitForMore;
    this.#filename = filename;
    this.#fns = fns;
    this.#send = send;
    this.#claim = claim;
  }

  /** Appends a batch; call {@link kick} after appending all that arrived. */
  push([names, inputs]: Batch): void {
    const count = inputs.length;
    for (let i = 0; i < count; i++) {
      this.#names.push(names?.[i]);
      this.#inputs.push(inputs[i]);
    }
  }

  kick(): void {
    if (!this.#running) this.#loop();
  }

  #loop(): void {
    this.#running = true;
    while (this.#head < this.#inputs.length || this.#waitForMore()) {
      const index = this.#head++;
      const seq = this.#seq++;
      const input = this.#inputs[index];
      const name = this.#names[index] ?? 'default';
      this.#inputs[index] = undefined;
      this.#compact();
      if (!this.#claim(seq)) continue;
      if (input instanceof UndeliverableInput) {
        const reason = new Error(`the child process could not read it: ${describeCause(input.error)}`, {
          cause: input.error,
        });
        this.#send([FAILURE, serializeError(new DataCloneError('input', reason, workerKind)), 0]);
        continue;
      }
      const fn = this.#fns.get(name);
      if (fn === undefined) {
        const error = new TaskNotFoundError(this.#filename, name, [...this.#fns.keys()]);
        this.#send([FAILURE, serializeError(error), 0]);
        continue;
      }
      this.#current = seq;
      const start = performance.now();
      let result: unknown;
      let thenable: boolean;
      try {
        result = fn(input, this.#context(seq));
        thenable = isThenable(result); // reads `then`: a getter that throws is the task's error
      } catch (error) {
        this.#failure(error, performance.now() - start);
        continue;
      }
      if (thenable) {
        // Through a native promise, as piscina's `await`: a thenable that called back twice answered the next task
        // with its second value (and ran the loop twice), and one whose `then` threw killed the worker.
        Promise.resolve(result).then(
          (value) => this.#finish(value, start),
          (error: unknown) => this.#fail(error, start),
        );
        return;
      }
      this.#reply(result, start);
    }
    this.#current = -1;
    this.#running = false;
  }

  #finish(value: unknown, start: number): void {
    this.#reply(value, start);
    this.#loop();
  }

  #fail(error: unknown, start: number): void {
    this.#failure(error, performance.now() - start);
    this.#loop();
  }

  #failure(error: unknown, ms: number): void {
    try {
      sendError((serialized) => this.#send([FAILURE, serialized, ms]), error);
    } catch (cloneError) {
      // A throw here would leave the loop stopped with the task unanswered: the caller gets a DataCloneError instead.
      this.#send([FAILURE, serializeError(new DataCloneError('error', cloneError, workerKind)), ms]);
    }
  }

  #reply(result: unknown, start: number): void {
    const ms = performance.now() - start;
    try {
      const moved = movedOf(result);
      if (moved !== undefined) this.#send([RESULT, moved.value, ms], moved.transferList);
      else this.#send([RESULT, result, ms]);
    } catch (error) {
      const failure = nestedMoveError('result', result) ?? new DataCloneError('result', error, workerKind);
      this.#send([FAILURE, serializeError(failure), ms]);
    }
  }

  #context(seq: number): TaskContext {
    return {
      progress: (value: unknown) => {
        // A progress call after its task settled would be attributed to the next task: drop it.
        if (this.#current !== seq) return;
        try {
          this.#send([PROGRESS, value]);
        } catch (error) {
          // Thrown into the task, which may catch it; uncaught, it rejects the task like any error of its own.
          throw new DataCloneError('progress value', error, workerKind);
        }
      },
    };
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#inputs.length) {
      this.#inputs = this.#inputs.slice(this.#head);
      this.#names = this.#names.slice(this.#head);
      this.#head = 0;
    }
  }
}

function describeCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// As `await` tells one: an object or a function with a `then` method.
function isThenable(value: unknown): boolean {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
