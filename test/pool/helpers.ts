import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from '../poll.js';

export const fixture = (name: string): URL => new URL(`../fixtures/pool/${name}`, import.meta.url);

const builtPool = new URL('../../dist/pool/index.js', import.meta.url).href;
const doubling = new URL('../fixtures/cluster/task.js', import.meta.url).href;

/**
 * Source for code a test runs in a node process of its own (where `await` is allowed): a statement that imports `Pool`
 * from the built pool, and an expression that makes a pool of one child process (`isolation: 'process'`, no start
 * retry) whose task doubles its argument (fixtures/cluster/task.js). For tests of what such a child takes from a parent
 * started with flags of its own (`node -e`, `node --test`).
 */
export const processPoolSource = {
  importPool: `const { Pool } = await import(${JSON.stringify(builtPool)});`,
  newPool: `new Pool({ filename: new URL(${JSON.stringify(doubling)}), isolation: 'process', maxThreads: 1, startRetry: false })`,
};

/** Polls until `check` holds, failing after `timeoutMs` (generous: this machine is shared and slow at times). */
export async function waitFor(check: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  await poll(check, what, { timeoutMs, everyMs: 10 });
}

/** A shared counter array: tasks bump counter[index] each time they run. */
export const counters = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));

/** `promise`, or a failure naming `what` after `ms`: a hang detector, not a timing check. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled`)), ms);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** How many times each task index ran, from the fixture's run log. */
export function runCounts(dir: string, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  let log = '';
  try {
    log = readFileSync(join(dir, 'runs'), 'utf8');
  } catch {}
  for (const line of log.split('\n')) if (line !== '') counts[Number(line)]!++;
  return counts;
}

/** Every task of `settled` was fulfilled, and each ran exactly once (runCounts of `dir`, task i run as index i). */
export function assertEachRanOnce(settled: PromiseSettledResult<unknown>[], dir: string): void {
  const n = settled.length;
  const rejected = settled.filter((outcome) => outcome.status === 'rejected');
  assert.equal(rejected.length, 0, `no task rejected, got ${rejected.length} of ${n}`);
  assert.deepEqual(runCounts(dir, n), new Array(n).fill(1), 'each task ran exactly once');
}
