import { performance } from 'node:perf_hooks';
import { QUEUED, type Task } from './task.js';
import type { WorkerTransport } from './worker-transport.js';

/**
 * The scheduler's view of one worker: its transport and the tasks sent to it and not yet answered.
 *
 * Ring invariant: a task's claim slot is `seq % RING_SIZE`, so a seq may be sent only when no older seq that the worker
 * can still reach shares its slot. The worker reaches every seq in order, the cancelled ones included (it resets
 * their slot when it skips them), so what it can still reach is exactly `[passedSeq, nextSeq)`, and keeping that
 * span within `maxInFlight` (half the ring) keeps every live slot distinct. Counting `inFlight` alone is not enough:
 * a task cancelled or stolen before it started leaves `inFlight` at once, while its seq stays ahead of the worker,
 * possibly for as long as the running task takes; refilling meanwhile wrapped the ring (tasks skipped, run twice,
 * or given another task's result).
 */
export class PoolWorker {
  ready = false;
  /** Node booted in it (see TransportEvents.up): its start bound is over, its module may take its time to load. */
  up = false;
  /** The bound on its start (see Scheduler's #armStartBound), until it is up or gone. */
  startTimer: NodeJS.Timeout | undefined;
  gone = false;
  /**
   * The pool shrank below its workers (see Scheduler.resize): it takes no new task, finishes those it holds, then
   * retires.
   */
  retiring = false;
  /**
   * It completed a task, or stayed up MIN_UPTIME_MS after loading: its module works. Until then its death counts as
   * a failed start (see Scheduler's #prove).
   */
  proven = false;
  /** It imported the module and awaits the module's Promise exports (an async init); false again once ready. */
  initialising = false;
  /** When it loaded the module (performance.now() time). */
  readyAt = 0;
  /** The scheduler's count of failed starts when it loaded: its proof ends the streak only if none failed since. */
  failuresAtReady = 0;
  /** Sent and not answered, in the order the worker runs them. */
  readonly inFlight: Task[] = [];
  /** The seq the next sent task takes; mirrors the worker's own counter. */
  nextSeq = 0;
  /** Every seq below this one the worker has passed (answered, or skipped as cancelled): its slot is free. */
  passedSeq = 0;
  idleSince = performance.now();
  /** When the task at the head of `inFlight` became the head: it has been running about this long. */
  headSince = 0;
  transport!: WorkerTransport;

  /** How many more tasks this worker may be sent now, holding at most `limit` unanswered. */
  room(limit: number): number {
    const held = Math.min(limit, this.transport.maxInFlight) - this.inFlight.length;
    // Fast path: no cancelled seq is ahead of the worker, so the span is inFlight and `held` is within it.
    if (held <= 0 || this.nextSeq - this.passedSeq === this.inFlight.length) return Math.max(0, held);
    return Math.max(0, Math.min(held, this.transport.maxInFlight - this.#unpassed()));
  }

  /** The answer to the head task arrived: the worker has passed it, and (answers come in order) all before it. */
  answered(task: Task): void {
    this.passedSeq = task.seq + 1;
  }

  /** Seqs the worker may still reach: advances past cancelled seqs older than every live task once it skipped them. */
  #unpassed(): number {
    const oldestLive = this.inFlight.length > 0 ? this.inFlight[0]!.seq : this.nextSeq;
    while (this.passedSeq < oldestLive && this.transport.skipped(this.passedSeq)) this.passedSeq++;
    return this.nextSeq - this.passedSeq;
  }

  /**
   * Takes back up to `max` tasks from the tail of `inFlight` that the worker has not started, in order. Stops at the
   * first started one (the worker starts tasks in order, so everything before it has started too) and at `keep`.
   * Tasks with a transfer list stay: what they transferred went with the message, it is detached here (which is why
   * the scheduler sends such a task only to a worker holding nothing: it is the head, next to run).
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
      // Its timer (if it had reached the head) is the caller's to keep (a death, a steal) or clear (a shrink).
      taken.push(task);
    }
    return taken.reverse();
  }
}
