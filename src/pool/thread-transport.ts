import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { startThread } from './inherited-exec-argv.js';
import {
  BATCH_SIZE,
  CANCELLED,
  DOORBELL,
  FAILURE,
  MAX_IN_FLIGHT,
  PENDING,
  POSTED,
  PROGRESS,
  RESEND,
  RESULT,
  RING_LENGTH,
  RING_MASK,
  type ThreadInit,
  type WorkerMessage,
} from './protocol.js';
import type { TransportEvents, TransportOptions, WorkerTransport } from './worker-transport.js';

const entry = new URL('./thread-entry.js', import.meta.url);

/** A pool worker on a `worker_threads` thread, with a dedicated port and a shared ring of task states. */
export class ThreadTransport implements WorkerTransport {
  readonly maxInFlight = MAX_IN_FLIGHT;
  /** Kept: Worker.threadId reads -1 once the thread exited, and the pool reports a worker's end by its id. */
  readonly id: number;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #ring = new Int32Array(new SharedArrayBuffer(RING_LENGTH * 4));
  readonly #events: TransportEvents;
  /** Seqs the batches posted so far occupy: the first seq of the next batch. */
  #sent = 0;
  /**
   * Messages of the task now answered next (its progress values, and messages lost) heard since the answer before
   * it: what tells whether a lost message was that task's answer (see POSTED).
   */
  #heard = 0;
  #ended = false;
  #lastError: unknown;
  #refed = true;

  constructor(options: TransportOptions, events: TransportEvents) {
    this.#events = events;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    const start = (execArgv: string[] | undefined) =>
      new Worker(entry, {
        // Node's workerData is the user's, as in piscina; the pool's own start data follows as the first message.
        workerData: options.workerData,
        resourceLimits: options.resourceLimits,
        env: options.env && withoutUndefined(options.env),
        execArgv,
        argv: options.argv,
      });
    this.#worker = options.execArgv === undefined ? startThread(start) : start(options.execArgv);
    this.id = this.#worker.threadId;
    this.#worker.postMessage({ port: port2, ring: this.#ring, filename: options.filename } satisfies ThreadInit, [
      port2,
    ]);
    port1.on('message', (message: WorkerMessage) => {
      this.#deliver(message);
      this.drain();
      events.drained();
    });
    port1.on('messageerror', (cause) => {
      this.#lost(cause);
      this.drain();
      events.drained();
    });
    // Node's own sign that the thread runs JavaScript, before it loads the module: ends the pool's start bound.
    this.#worker.once('online', () => events.up());
    this.#worker.on('error', (error) => {
      this.#lastError = error;
    });
    this.#worker.on('exit', (code) => {
      if (this.#ended) return;
      this.#ended = true;
      // Results the thread posted before it died are still in the port: hand them over first.
      this.drain();
      this.#port.close();
      const cause = this.#lastError;
      const detail =
        cause instanceof Error
          ? `${(cause as { code?: string }).code ?? cause.name}: ${cause.message}`
          : `exit code ${code}`;
      const outOfMemory = (cause as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      events.exit(detail, cause, outOfMemory);
    });
  }

  post(names: (string | undefined)[] | undefined, inputs: unknown[], transfer: never[] | undefined): void {
    // For the thread, should it fail to deserialize the batch (see BATCH_SIZE).
    this.#ring[BATCH_SIZE + (this.#sent & RING_MASK)] = inputs.length;
    this.#port.postMessage([names, inputs], transfer);
    this.#sent += inputs.length;
    Atomics.add(this.#ring, DOORBELL, 1);
    Atomics.notify(this.#ring, DOORBELL, 1);
  }

  tryCancel(seq: number): boolean {
    return Atomics.compareExchange(this.#ring, seq & RING_MASK, PENDING, CANCELLED) === PENDING;
  }

  release(seq: number): void {
    this.#ring[seq & RING_MASK] = PENDING;
  }

  skipped(seq: number): boolean {
    // Only the thread turns CANCELLED back into PENDING, when it reaches the task and skips it.
    return Atomics.load(this.#ring, seq & RING_MASK) === PENDING;
  }

  lostAnswer(seq: number): boolean {
    const posted = Atomics.load(this.#ring, POSTED + (seq & RING_MASK));
    if (posted !== ((this.#heard << 1) | 1)) return false;
    this.#heard = 0;
    return true;
  }

  drain(): void {
    for (;;) {
      let next: { message: unknown } | undefined;
      try {
        next = receiveMessageOnPort(this.#port);
      } catch (cause) {
        // A message that could not be deserialized: gone, and those after it are still there (as with 'messageerror').
        this.#lost(cause);
        continue;
      }
      if (next === undefined) return;
      this.#deliver(next.message as WorkerMessage);
    }
  }

  #deliver(message: WorkerMessage): void {
    if (message[0] === PROGRESS) this.#heard++;
    else if (message[0] === RESULT || message[0] === FAILURE || message[0] === RESEND) this.#heard = 0;
    this.#events.message(message);
  }

  #lost(cause: unknown): void {
    this.#heard++;
    this.#events.lost(cause);
  }

  async terminate(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#port.close();
    await this.#worker.terminate();
  }

  ref(): void {
    if (this.#refed) return;
    this.#refed = true;
    this.#worker.ref();
    this.#port.ref();
  }

  unref(): void {
    if (!this.#refed) return;
    this.#refed = false;
    this.#worker.unref();
    this.#port.unref();
  }
}

// A Worker's env turns `undefined` into the string "undefined"; a child process's (isolation: 'process') leaves the
// variable out, which is what `{ ...process.env, DEBUG: undefined }` means. Read at each start, as Node reads it.
function withoutUndefined(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}
