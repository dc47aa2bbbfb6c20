// A host out of threads or processes (`ulimit -u`) at `new Pool()`: the constructor threw ERR_HIVE_INVALID_ARGUMENT
// ("worker_threads refused the pool's worker options: EAGAIN"), as for a bad option, and the threads it had started
// before the refusal kept running, with no pool left to destroy them. A system's refusal is a failed start
// (docs/pool.md, Recovery): the pool is created with the workers that started, and serves with them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fixture } from './helpers.js';

const host = fixture('nproc-host.mjs').pathname;
const asRoot = process.getuid?.() === 0;
// RLIMIT_NPROC counts every task of a user: a user of its own (by pid, so that parallel runs do not share one), with
// no other process, makes the host's limit its own alone. Only root can become it. It keeps the capability to read any
// file (ambient, so its own prlimit child has it too), which exempts it from no limit.
const uid = 60_000 + (process.pid % 5000);
const skip = asRoot ? undefined : 'needs root, to run the host as a user of its own (setpriv)';

async function runHost(isolation: string, extra: number, minThreads: number): Promise<Record<string, unknown>[]> {
  // Reading the checkout wherever it is (a clone in a 0700 folder, as CI's may be): no exemption from the limit.
  const read = '+dac_override,+dac_read_search';
  const argv = [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', `--inh-caps=${read}`, `--ambient-caps=${read}`];
  argv.push(process.execPath, host, isolation);
  const { stdout } = await promisify(execFile)('setpriv', [...argv, String(extra), String(minThreads)], {
    timeout: 60_000,
  });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('threads the system refuses at new Pool() are failed starts: the pool serves with those that started', {
  skip,
}, async () => {
  const records = await runHost('thread', 2, 4);
  assert.deepEqual(records, [
    { threads: 2, failedStarts: 1, pending: true },
    {
      event: 'error',
      count: 1,
      code: 'ERR_HIVE_THREAD_EXITED',
      message:
        'A pool worker could not be started: the system would not create its thread (EAGAIN: out of threads or processes, see ulimit -u, or of memory)',
    },
    { run: 'served', value: 7 },
    { leftThreads: 0 },
  ]);
});

test('with no thread at all, the pool is created and a run() is refused with why', { skip }, async () => {
  const records = await runHost('thread', 0, 2);
  const message =
    'A pool worker could not be started: the system would not create its thread (EAGAIN: out of threads or processes, see ulimit -u, or of memory)';
  assert.deepEqual(records, [
    { threads: 0, failedStarts: 1, pending: true },
    { event: 'error', count: 1, code: 'ERR_HIVE_THREAD_EXITED', message },
    { run: 'unserved', error: 'ERR_HIVE_THREAD_EXITED', message },
    { leftThreads: 0 },
  ]);
});

test('under isolation process, a child the system cannot fork (EAGAIN) is a failed start too', { skip }, async () => {
  const records = await runHost('process', 0, 2);
  const message = `A pool worker could not be started: its process could not be spawned (${process.execPath}: out of processes)`;
  assert.deepEqual(records, [
    { threads: 0, failedStarts: 1, pending: true },
    { event: 'error', count: 1, code: 'ERR_HIVE_THREAD_EXITED', message },
    { run: 'unserved', error: 'ERR_HIVE_THREAD_EXITED', message },
    { leftThreads: 0 },
  ]);
});
