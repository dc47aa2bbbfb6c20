// The pool bench's scenarios. Each opens a fresh pool for one subject, warms it up (threads started, JIT warm, results
// checked once), measures for a bounded time, and always closes the pool.
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runJsonChild } from '../lib/child.js';
import { closedLoop, openLoop, withTimeout } from '../lib/load.js';
import { latencySummary, median } from '../lib/stats.js';
import { openSubject } from './subjects.js';

const MiB = 1024 * 1024;
const FIB_N = 27;
const FIB_27 = 196418;
// A hung subject fails its own measurement after this much slack on top of the planned time.
const SLACK_MS = 30_000;

/**
 * @template T
 * @param {string} name
 * @param {{ threads: number, transfer?: boolean }} options
 * @param {(subject: import('./subjects.js').PoolSubject) => Promise<T>} body
 * @param {number} plannedMs
 * @returns {Promise<T>}
 */
async function withPool(name, options, body, plannedMs) {
  const subject = await openSubject(name, options);
  try {
    return await withTimeout(body(subject), plannedMs + SLACK_MS, `${name} measurement`);
  } finally {
    await withTimeout(Promise.resolve(subject.close()), 10_000, `${name} close`).catch(() => {});
  }
}

// Hive's bounded queue says "full" with this code; the peers' default queues are unbounded and never do.
const isQueueFull = (error) => error?.code === 'ERR_HIVE_QUEUE_FULL';

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * Tiny tasks (echo) on 2 threads, closed loop at each in-flight count: tasks/s per count.
 * @param {string} name
 * @param {{ inflights: readonly number[], durationMs: number, warmupMs: number }} options
 * @returns {Promise<Record<number, number>>} in-flight count -> tasks/s
 */
export function tinyThroughput(name, { inflights, durationMs, warmupMs }) {
  const planned = warmupMs + inflights.length * durationMs;
  return withPool(
    name,
    { threads: 2 },
    async (subject) => {
      check((await subject.echo(42)) === 42, `${name}: echo(42) did not return 42`);
      let n = 0;
      const send = () => subject.echo(n++);
      await closedLoop({ inflight: Math.max(...inflights), durationMs: warmupMs, send });
      /** @type {Record<number, number>} */
      const rates = {};
      for (const inflight of inflights) rates[inflight] = (await closedLoop({ inflight, durationMs, send })).rate;
      return rates;
    },
    planned,
  );
}

/**
 * Tiny tasks on 2 threads, open loop at each fixed rate of `rates` (tasks/s) in turn, on one pool: per-task latency
 * counted from when each task was due. A bounded queue may shed load when a burst meets it: such rejections are
 * counted (`rejectedPct`) and left out of the percentiles. Tasks still unfinished once the drain time is up (an
 * overloaded subject) count in `unfinishedPct` and enter the percentiles with the time they had waited (a lower bound).
 * @param {string} name
 * @param {{ rates: readonly number[], durationMs: number, warmupMs: number }} options
 * @returns {Promise<{ p50us: number, p99us: number, rejectedPct: number, unfinishedPct: number }[]>} one per rate
 */
export function tinyLatency(name, { rates, durationMs, warmupMs }) {
  const warmDrainMs = 1000;
  return withPool(
    name,
    { threads: 2 },
    async (subject) => {
      let n = 0;
      const send = () => subject.echo(n++);
      // Closed loop first: threads started and code warm before any task is due on a schedule (a fresh pool would
      // otherwise meet its first burst while its threads are still booting).
      await closedLoop({ inflight: 8, durationMs: warmupMs, send });
      const out = [];
      for (const rate of rates) {
        const tolerate = isQueueFull;
        await openLoop({ rate, durationMs: warmupMs, send, tolerate, maxDrainMs: warmDrainMs });
        const run = await openLoop({ rate, durationMs, send, tolerate, maxDrainMs: durationMs });
        const { p50, p99 } = latencySummary(run.latenciesMs);
        const total = run.latenciesMs.length;
        out.push({
          p50us: p50 * 1000,
          p99us: p99 * 1000,
          rejectedPct: (100 * run.failed) / total,
          unfinishedPct: (100 * run.unfinished) / total,
        });
      }
      return out;
    },
    warmupMs + rates.length * (warmupMs + warmDrainMs + 2 * durationMs),
  );
}

/**
 * CPU-bound tasks (fib(27)) on 1 and on 2 threads: tasks/s of each, the speedup of 2 threads over 1, and how many
 * threads' worth of fib each pool really ran (`busy1`, `busy2`). Each pool runs a closed loop with 4 tasks in flight per
 * thread, so that no thread should wait for its next task.
 *
 * Both pools stay open and are measured in short interleaved slices, in blocks of 1-2-2-1 threads: each block's
 * speedup is its two 2-thread slices over its two 1-thread slices, so a linear drift cancels out. On a shared or
 * virtualised machine a core's speed also jumps by tens of percent from one second to the next (other tenants, a busy
 * hyperthread sibling), which no ordering cancels, and the speedup stays noisy. Hence the busy figures: every task
 * reports its own run time inside its thread, and a slice's busy threads are the summed run times over the slice's
 * length. That is the speedup over running the same tasks back to back without a pool, whatever the core's speed: 2.0
 * at 2 threads means no thread ever waited for work; the gaps between one task and the next are what it loses. Each
 * figure is the median over blocks.
 * @param {string} name
 * @param {{ sliceMs: number, blocks: number, warmupMs: number }} options
 * @returns {Promise<{ t1: number, t2: number, speedup: number, busy1: number, busy2: number }>}
 */
export function cpuScaling(name, { sliceMs, blocks, warmupMs }) {
  const plannedMs = 2 * warmupMs + 4 * blocks * sliceMs;
  return withPool(
    name,
    { threads: 1 },
    (one) =>
      withPool(
        name,
        { threads: 2 },
        async (two) => {
          for (const subject of [one, two]) {
            const [value] = await subject.timedFib(FIB_N);
            check(value === FIB_27, `${name}: fib(${FIB_N}) did not return ${FIB_27}`);
          }
          const slice = async (subject, threads, durationMs) => {
            let busyMs = 0;
            const { rate } = await closedLoop({
              inflight: 4 * threads,
              durationMs,
              send: () => subject.timedFib(FIB_N),
              onCompleted: ([, ms]) => {
                busyMs += ms;
              },
            });
            return { rate, busy: busyMs / durationMs };
          };
          await slice(one, 1, warmupMs);
          await slice(two, 2, warmupMs);
          const t1 = [];
          const t2 = [];
          const speedups = [];
          const busy1 = [];
          const busy2 = [];
          for (let block = 0; block < blocks; block++) {
            const a = await slice(one, 1, sliceMs);
            const b = await slice(two, 2, sliceMs);
            const c = await slice(two, 2, sliceMs);
            const d = await slice(one, 1, sliceMs);
            t1.push(a.rate, d.rate);
            t2.push(b.rate, c.rate);
            speedups.push((b.rate + c.rate) / (a.rate + d.rate));
            busy1.push(a.busy, d.busy);
            busy2.push(b.busy, c.busy);
          }
          return {
            t1: median(t1),
            t2: median(t2),
            speedup: median(speedups),
            busy1: median(busy1),
            busy2: median(busy2),
          };
        },
        plannedMs,
      ),
    plannedMs + SLACK_MS,
  );
}

/**
 * A 1 MiB ArrayBuffer sent to a task and returned, transferred both ways, one round trip at a time on 2 threads:
 * round trips/s and the median round trip. The buffer that comes back is the one sent next, so no copy or allocation
 * happens in the loop unless the subject makes one.
 * @param {string} name
 * @param {{ durationMs: number, warmupMs: number }} options
 * @returns {Promise<{ rate: number, p50us: number }>}
 */
export function transferRoundTrip(name, { durationMs, warmupMs }) {
  return withPool(
    name,
    { threads: 2, transfer: true },
    async (subject) => {
      const probe = new ArrayBuffer(MiB);
      new Uint8Array(probe)[MiB - 1] = 7;
      const back = await subject.roundtrip(probe);
      check(probe.byteLength === 0, `${name}: the sent ArrayBuffer was copied, not transferred`);
      check(back instanceof ArrayBuffer && back.byteLength === MiB, `${name}: did not get a 1 MiB ArrayBuffer back`);
      check(new Uint8Array(back)[MiB - 1] === 7, `${name}: the returned buffer lost its content`);
      let buffer = back;
      const send = async () => {
        buffer = await subject.roundtrip(buffer);
      };
      await closedLoop({ inflight: 1, durationMs: warmupMs, send });
      const { rate, latenciesMs } = await closedLoop({ inflight: 1, durationMs, send, recordLatency: true });
      return { rate, p50us: latencySummary(latenciesMs).p50 * 1000 };
    },
    warmupMs + durationMs,
  );
}

/**
 * Memory cost of a pool of `threads` idle threads, measured in a fresh child process (see {@link idleMemoryChild}).
 * @param {string} name
 * @param {{ threads: number, script: string }} options script: the bench entry that dispatches --memory-child
 * @returns {Promise<{ rss: number, heapUsed: number }>} bytes
 */
export function idleMemory(name, { threads, script }) {
  return runJsonChild({
    script,
    args: ['--memory-child', name, '--threads', String(threads)],
    timeoutMs: SLACK_MS,
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
}

// gc() without starting node with --expose-gc: a pool that hands process.execArgv to its workers would otherwise
// carry a flag that worker threads refuse (ERR_WORKER_INVALID_EXEC_ARGV), and the child must look like any app.
function exposeGc() {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

/**
 * Runs inside the fresh child: baseline after GC, then load the library, start the pool, make sure every thread has
 * run a task (concurrent blocking tasks must land on distinct threads), let it go idle, GC, and print the growth of
 * the process RSS (all threads) and of the main thread's heap (the pool's own bookkeeping) as one JSON line.
 * @param {string} name
 * @param {number} threads
 */
export async function idleMemoryChild(name, threads) {
  const gc = exposeGc();
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  gc();
  await pause(100);
  gc();
  const before = process.memoryUsage();
  const subject = await openSubject(name, { threads });
  await Promise.all(Array.from({ length: threads }, () => subject.hold(100)));
  // The figure is only worth something if it is the cost of exactly `threads` threads.
  check(subject.threads() === threads, `${name}: expected ${threads} threads, the pool has ${subject.threads()}`);
  await pause(500);
  gc();
  await pause(100);
  gc();
  const after = process.memoryUsage();
  await subject.close();
  console.log(JSON.stringify({ rss: after.rss - before.rss, heapUsed: after.heapUsed - before.heapUsed }));
}
