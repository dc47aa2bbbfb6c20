/**
 * A pool's first load: whether the first of the threads it started at construction loaded the task module. Under a
 * Hive primary the runtime listens (onPoolStart), so that a process is ready only once the pools it started before
 * it listened can run tasks (docs/cluster.md, States). Through a global, not an import: the pool never imports the
 * runtime, and an app's own copy of hive/pool must reach the runtime the primary preloaded.
 */

/** A pool that started threads at construction, and the outcome of its first load: undefined once one loaded. */
export interface PoolStart {
  filename: string;
  /** Never rejects: the load's error, or undefined when a thread loaded the module (or the pool closed first). */
  loaded: Promise<Error | undefined>;
}

const kPoolStart = Symbol.for('hive.pool.start');

type Holder = { [kPoolStart]?: (start: PoolStart) => void };

/** Sets the process's listener of pool starts (the runtime's, under a primary); one per process. */
export function onPoolStart(listener: (start: PoolStart) => void): void {
  (globalThis as Holder)[kPoolStart] = listener;
}

/** Tells the process's listener, if any, of a pool that started threads at construction. */
export function announcePoolStart(start: PoolStart): void {
  const listener = (globalThis as Holder)[kPoolStart];
  if (typeof listener === 'function') listener(start);
}

/** The first load's outcome, settled once by the scheduler: the first thread that loads, or the failure that ends it. */
export class FirstLoad {
  readonly promise: Promise<Error | undefined>;
  #settle!: (error: Error | undefined) => void;
  #settled = false;

  constructor() {
    this.promise = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  settle(error?: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle(error);
  }
}
