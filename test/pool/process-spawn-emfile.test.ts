// Under isolation 'process' a child that cannot be spawned (the host out of file descriptors: EMFILE) comes with no
// pipes, no IPC channel and an 'error' on the next tick: the transport read its pipes first, and that 'error', with
// no listener, ended the host. It is now a worker that could not be started, as under threads (docs/pool.md).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fixture } from './helpers.js';

test('a child the host cannot spawn (EMFILE) fails the run that needed it, and the pool serves once it can', async () => {
  const host = fixture('spawn-emfile-host.mjs').pathname;
  const { stdout } = await promisify(execFile)('prlimit', ['--nofile=256:256', process.execPath, host], {
    timeout: 60_000,
  });
  const records = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const failure = {
    code: 'ERR_HIVE_THREAD_EXITED',
    message: `A pool worker could not be started: its process could not be spawned (${process.execPath}: out of file descriptors)`,
  };
  assert.deepEqual(records, [
    { run: 1, value: 1 },
    { run: 'exit', error: 'ERR_HIVE_THREAD_EXITED', message: 'The worker running the task exited: exit code 3' },
    { event: 'error', ...failure },
    { run: 2, error: failure.code, message: failure.message },
    { run: 3, value: 3 },
    { done: true },
  ]);
});
