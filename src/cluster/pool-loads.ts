import { messageHeadline } from '../crash-summary.js';
import type { WorkerMessage } from '../runtime/protocol.js';
import { WorkerNotReadyError } from './errors.js';

/**
 * The pools an app process started before it was ready and that are still loading their task module, from its
 * runtime's `pool-loading` and `pool-loaded` messages: the process is ready only once none is left, and not at all
 * when one failed to load (a reload to a broken task module then aborts, rather than retire the processes that work).
 */
export class PoolLoads {
  readonly #instance: number;
  readonly #loading = new Map<number, string>();

  constructor(instance: number) {
    this.#instance = instance;
  }

  /** Whether a pool is still loading. */
  get pending(): boolean {
    return this.#loading.size > 0;
  }

  /**
   * Takes a message of the process: the error that makes it not ready when a pool's first load failed. A pool started
   * once the process had `signalled` (listened, or called ready()) is not its readiness's affair.
   */
  take(message: WorkerMessage | undefined, signalled: boolean): Error | undefined {
    if (message?.type === 'pool-loading') {
      if (signalled) return undefined;
      if (typeof message.id === 'number' && typeof message.filename === 'string') {
        this.#loading.set(message.id, message.filename);
      }
      return undefined;
    }
    if (message?.type !== 'pool-loaded') return undefined;
    const filename = this.#loading.get(message.id);
    this.#loading.delete(message.id);
    if (filename === undefined || typeof message.error !== 'string') return undefined;
    const why = messageHeadline(message.error);
    return new WorkerNotReadyError(this.#instance, `the pool of ${filename} could not load its task module (${why})`);
  }

  /** What the process had not done when its time was up, a pool still loading. */
  awaited(): string {
    return `the pool of ${[...new Set(this.#loading.values())].join(', ')} had not loaded its task module`;
  }
}
