// Load generators. Closed loop: N tasks always in flight, measures throughput. Open loop: tasks start on a fixed
// schedule whatever the subject does, measures latency without coordinated omission (wrk2's approach): each latency is
// counted from the moment the task was due to start, so a subject that stalls the sender pays for the stall.
import { performance } from 'node:perf_hooks';

/**
 * Keeps `inflight` calls of `send` running until `durationMs` has passed. Counts the calls that completed inside the
 * window; calls still running at the deadline are awaited but not counted. `onCompleted` sees the value of each
 * counted call.
 * @param {{ inflight: number, durationMs: number, send: () => Promise<unknown>, recordLatency?: boolean, onCompleted?: (value: unknown) => void }} options
 * @returns {Promise<{ completed: number, durationMs: number, rate: number, latenciesMs: number[] }>}
 *   rate in calls per second; latenciesMs (per call, ms) only when recordLatency is set
 */
export async function closedLoop({ inflight, durationMs, send, recordLatency = false, onCompleted }) {
  if (!(Number.isInteger(inflight) && inflight > 0))
    throw new RangeError(`inflight must be a positive integer, got ${inflight}`);
  /** @type {number[]} */
  const latenciesMs = [];
  let completed = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const lane = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= deadline) return;
      const value = await send();
      const t1 = performance.now();
      if (t1 <= deadline) {
        completed++;
        onCompleted?.(value);
        if (recordLatency) latenciesMs.push(t1 - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  return { completed, durationMs, rate: (completed * 1000) / durationMs, latenciesMs };
}

// A pacer that fell behind (its process was descheduled) sends the overdue calls in slices of this many, yielding to
// the event loop in between, as a server reads a backlog one socket read at a time; otherwise one synchronous burst
// would also starve the subject's own reply handling.
const MAX_BURST = 1024;

/**
 * Starts calls of `send` at a fixed `rate` (per second) for `durationMs`, then waits for them, at most `maxDrainMs`
 * after the schedule ends. The pacer sleeps with a timer when the next call is more than 1 ms away and otherwise
 * yields with setImmediate, so it neither burns a core at low rates nor sends in coarse timer-sized bursts at high ones.
 * A call that rejects with an error `tolerate` accepts (e.g. a bounded queue's "full" error: load shedding is a
 * legitimate answer to an open loop) is counted in `failed` and gets a NaN latency; any other rejection rejects.
 * A call not finished (or not even sent) when the time is up counts in `unfinished`, with the time it has waited so
 * far as its latency: a lower bound, which is all an overloaded subject lets one know.
 * @param {{ rate: number, durationMs: number, send: () => Promise<unknown>, tolerate?: (error: unknown) => boolean, maxDrainMs?: number }} options
 * @returns {Promise<{ sent: number, failed: number, unfinished: number, durationMs: number, latenciesMs: Float64Array }>}
 *   latenciesMs[i]: completion time of call i minus the time it was due to start (NaN when it failed)
 */
export function openLoop({ rate, durationMs, send, tolerate = () => false, maxDrainMs = Math.max(1000, durationMs) }) {
  if (!(rate > 0)) throw new RangeError(`rate must be > 0, got ${rate}`);
  const total = Math.max(1, Math.floor((rate * durationMs) / 1000));
  const interval = 1000 / rate;
  const latenciesMs = new Float64Array(total).fill(-1);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = 0;
    let failed = 0;
    let over = false;
    const start = performance.now();
    const finish = () => {
      over = true;
      clearTimeout(cutoff);
      const now = performance.now();
      let unfinished = 0;
      for (let i = 0; i < total; i++) {
        if (latenciesMs[i] !== -1) continue;
        latenciesMs[i] = now - (start + i * interval);
        unfinished++;
      }
      resolve({ sent, failed, unfinished, durationMs, latenciesMs });
    };
    const cutoff = setTimeout(finish, durationMs + maxDrainMs);
    const pump = () => {
      if (over) return;
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1, sent + MAX_BURST);
      while (sent < due) {
        const i = sent++;
        const dueAt = start + i * interval;
        send().then(
          () => {
            if (over) return;
            latenciesMs[i] = performance.now() - dueAt;
            if (++done === total) finish();
          },
          (error) => {
            if (over) return;
            if (!tolerate(error)) {
              over = true;
              clearTimeout(cutoff);
              reject(error);
              return;
            }
            failed++;
            latenciesMs[i] = Number.NaN;
            if (++done === total) finish();
          },
        );
      }
      if (sent < total) {
        const wait = start + sent * interval - performance.now();
        if (wait > 1) setTimeout(pump, wait - 1);
        else setImmediate(pump);
      }
    };
    pump();
  });
}

/**
 * Rejects with a clear message if `promise` does not settle within `ms`: a hung subject must fail its measurement, not
 * hang the whole bench. The timer is cleared once the promise settles.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} label what was running, for the message
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, label) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
