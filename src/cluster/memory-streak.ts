import { memoryBelowNeedText } from './memory-limit-text.js';
import { type RestartPolicyOptions, restartDelayOf } from './restart-policy.js';

/** What one memory check of a slot's process found. */
export interface MemoryVerdict {
  /** Over the limit, and its replacement may start now. */
  replace: boolean;
  /** To say as a warning: the first process of a streak that was over the limit from its start. */
  warning?: string;
}

/**
 * The memory replacements of one slot that did not help, in a row, for the cluster's supervisor and the fork-mode
 * primary alike. A limit below what the app needs from its start would replace its process about once a check,
 * forever; so a process over the limit at its first check (after it became ready) and a replacement that failed each
 * make the next replacement wait as the slot's next crash restart would (restartDelayOf), and the first such process
 * of a streak is said, once. A process that starts within the limit ends the streak: one that grows past it later is
 * replaced at once, as ever.
 */
export class MemoryStreak {
  readonly #spacing: Pick<RestartPolicyOptions, 'restartDelay' | 'expBackoffRestartDelay' | 'maxRestartDelay'>;
  #length = 0;
  // When (performance.now()) the next replacement may start.
  #notBefore = 0;
  // Whether this streak said its warning: a streak that began with failed replacements says it at its first process
  // over the limit from its start, not never.
  #said = false;
  // The processes checked once: the first check says whether one starts over the limit.
  readonly #checked = new WeakSet<object>();

  constructor(spacing: Pick<RestartPolicyOptions, 'restartDelay' | 'expBackoffRestartDelay' | 'maxRestartDelay'>) {
    this.#spacing = spacing;
  }

  /** A check of a ready process (`key`, the object that stands for it) that used `rss` bytes. */
  check(key: object, process: { instance: number; pid?: number }, rss: number, limit: number): MemoryVerdict {
    const first = !this.#checked.has(key);
    this.#checked.add(key);
    if (rss <= limit) {
      if (first) {
        this.#length = 0;
        this.#notBefore = 0;
        this.#said = false;
      }
      return { replace: false };
    }
    let warning: string | undefined;
    if (first) {
      const delay = this.failed();
      if (!this.#said) warning = memoryBelowNeedText({ ...process, rss, limit }, delay);
      this.#said = true;
    }
    return { replace: performance.now() >= this.#notBefore, ...(warning === undefined ? {} : { warning }) };
  }

  /** One more replacement in a row that did not help (it failed): the next waits as the next crash restart would. */
  failed(): number {
    this.#length += 1;
    const delay = restartDelayOf(this.#spacing, this.#length);
    this.#notBefore = performance.now() + delay;
    return delay;
  }
}
