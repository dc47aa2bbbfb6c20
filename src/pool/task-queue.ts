import { QUEUED, type Task } from './task.js';

/**
 * FIFO of tasks waiting for a worker. Removal from the middle (an aborted task) is lazy: the task is marked settled
 * and skipped when it reaches the head, so every operation stays O(1).
 */
export class TaskQueue {
  #items: (Task | undefined)[] = [];
  #head = 0;
  #size = 0;

  /** Tasks waiting (removed ones excluded). */
  get size(): number {
    return this.#size;
  }

  push(task: Task): void {
    this.#items.push(task);
    this.#size++;
  }

  /** Puts tasks taken back from a worker in front of the queue, keeping their order: they were accepted first. */
  unshiftAll(tasks: readonly Task[]): void {
    if (tasks.length === 0) return;
    this.#items = [...tasks, ...this.#items.slice(this.#head)];
    this.#head = 0;
    this.#size += tasks.length;
  }

  /** The task shift() would return, left in place. */
  peek(): Task | undefined {
    while (this.#head < this.#items.length) {
      const task = this.#items[this.#head];
      if (task !== undefined && task.state === QUEUED) return task;
      this.#items[this.#head++] = undefined;
    }
    this.#compact();
    return undefined;
  }

  shift(): Task | undefined {
    while (this.#head < this.#items.length) {
      const task = this.#items[this.#head];
      this.#items[this.#head++] = undefined;
      if (task !== undefined && task.state === QUEUED) {
        this.#size--;
        this.#compact();
        return task;
      }
    }
    return undefined;
  }

  /** Accounts for a queued task that left by other means (abort): it is skipped when reached. */
  removed(): void {
    this.#size--;
  }

  /** The tasks waiting, in order. */
  *[Symbol.iterator](): IterableIterator<Task> {
    for (let i = this.#head; i < this.#items.length; i++) {
      const task = this.#items[i];
      if (task !== undefined && task.state === QUEUED) yield task;
    }
  }

  /** Empties the queue, returning what was waiting. */
  clear(): Task[] {
    const waiting = this.#items.slice(this.#head).filter((t): t is Task => t !== undefined && t.state === QUEUED);
    this.#items = [];
    this.#head = 0;
    this.#size = 0;
    return waiting;
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
