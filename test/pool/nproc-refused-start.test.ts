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
  return runFixture(host, [isolation, String(extra), String(minThreads)]);
}

// The bound (60 s) fails a host that hangs rather than hanging the test.
async function runFixture(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, unknown>[]> {
  // Reading the checkout wherever it is (a clone in a 0700 folder, as CI's may be): no exemption from the limit.
  const read = '+dac_override,+dac_read_search';
  const argv = [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', `--inh-caps=${read}`, `--ambient-caps=${read}`];
  argv.push(process.execPath, file);
  const { stdout } = await promisify(execFile)('setpriv', [...argv, ...args], { timeout: 60_000, env });
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

// A child given room to fork and to create some of Node's startup threads, not all, slept for ever in Node's startup
// (its platform waits for the threads it could not create), without a word or an exit: the pool waited for it as for a
// slow start, started no other, and its tasks waited for ever. Its start is bounded now (HIVE_POOL_START_TIMEOUT, 2 s
// here): killed, it is a failed start like the others.
const fewProcesses = fixture('nproc-few-processes.mjs').pathname;
const bounded = { ...process.env, HIVE_POOL_START_TIMEOUT: '2000' };

test('a child that forked but never came up is killed at the start bound: a failed start, its task fails', {
  skip,
}, async () => {
  // Room for the child, Node's delayed-task thread and one platform thread: the next platform thread is refused.
  const records = await runFixture(fewProcesses, ['process', '3', '1', '1', '1'], bounded);
  const message =
    'A pool worker could not be started: its process gave no sign of life within 2000 ms of its spawn and was killed (short of threads or processes? see ulimit -u)';
  assert.deepEqual(records, [
    { outcomes: [{ error: 'ERR_HIVE_THREAD_EXITED', message }] },
    { errors: [`ERR_HIVE_THREAD_EXITED: ${message}`] },
    { leftChildren: 0, leftThreads: 0 },
  ]);
});

test('minThreads 1, maxThreads 4, 6 tasks, room for no whole child: every task settles, no child is left', {
  skip,
}, async () => {
  // Children refused at fork, aborted at start, or asleep in it, depending on which got the room first: none started.
  const records = await runFixture(fewProcesses, ['process', '4', '1', '4', '6'], bounded);
  const outcomes = (records[0]?.outcomes ?? []) as { error?: string }[];
  assert.deepEqual(
    outcomes.map((outcome) => outcome.error),
    Array(6).fill('ERR_HIVE_THREAD_EXITED'),
  );
  assert.deepEqual(records[2], { leftChildren: 0, leftThreads: 0 });
});
