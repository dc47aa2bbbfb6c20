import type { Task } from './task.js';

interface Watched {
  readonly tasks: Set<Task>;
  readonly listener: () => void;
}

/**
 * The 'abort' listeners of the tasks' signals: one per signal, however many tasks share it. A listener per task made
 * Node warn of a memory leak (MaxListenersExceededWarning) from the 11th pending task sharing a signal, a common way
 * to cancel a batch (a request's signal passed to its subtasks).
 */
export class AbortWatch {
  readonly #signals = new Map<AbortSignal, Watched>();
  readonly #abort: (task: Task) => void;

  /** `abort` runs for each pending task of a signal when it aborts, in the order they were added. */
  constructor(abort: (task: Task) => void) {
    this.#abort = abort;
  }

  add(task: Task, signal: AbortSignal): void {
    let watched = this.#signals.get(signal);
    if (watched === undefined) {
      const tasks = new Set<Task>();
      const listener = () => {
        this.#signals.delete(signal);
        // A copy: aborting a task settles it, which removes it from the set.
        for (const each of [...tasks]) this.#abort(each);
      };
      watched = { tasks, listener };
      this.#signals.set(signal, watched);
      signal.addEventListener('abort', listener, { once: true });
    }
    watched.tasks.add(task);
  }

  /** The task settled: it no longer listens, and the signal's listener goes with its last task. */
  delete(task: Task, signal: AbortSignal): void {
    const watched = this.#signals.get(signal);
    if (watched === undefined || !watched.tasks.delete(task) || watched.tasks.size > 0) return;
    this.#signals.delete(signal);
    signal.removeEventListener('abort', watched.listener);
  }
}
