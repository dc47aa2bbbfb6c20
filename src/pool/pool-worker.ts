import { performance } from 'node:perf_hooks';
import { QUEUED, type Task } from './task.js';
import type { WorkerTransport } from './worker-transport.js';

/** The scheduler's view of one worker: its transport and the tasks sent to it and not yet answered. */
export class PoolWorker {
  ready = false;
  gone = false;
  /** Sent and not answered, in the order the worker runs them. */
  readonly inFlight: Task[] = [];
  /** The seq the next sent task takes; mirrors the worker's own counter. */
  nextSeq = 0;
  idleSince = performance.now();
  /** When the task at the head of `inFlight` became the head: it has been running about this long. */
  headSince = 0;
  transport!: WorkerTransport;

  /**
   * Takes back up to `max` tasks from the tail of `inFlight` that the worker has not started, in order. Stops at the
   * first started one (the worker starts tasks in order, so everything before it has started too) and at `keep`.
   * Tasks with a transfer list stay: what they transferred went with the message, it is detached here.
   */
  takeBack(max: number, keep: Task | undefined): Task[] {
    const taken: Task[] = [];
    for (let i = this.inFlight.length - 1; i >= 0 && taken.length < max; i--) {
      const task = this.inFlight[i]!;
      if (task === keep) break;
      if (task.transfer !== undefined) continue;
      if (!this.transport.tryCancel(task.seq)) break;
      this.inFlight.splice(i, 1);
      task.state = QUEUED;
      task.seq = -1;
      if (task.timer !== undefined) clearTimeout(task.timer);
      task.timer = undefined;
      taken.push(task);
    }
    return taken.reverse();
  }
}
