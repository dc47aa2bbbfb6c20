// A server of `hive bench` that is still starting when the bench is interrupted (Ctrl-C) is stopped at once, not
// once it answers: the readiness wait may last a minute. One that cannot be spawned at all (EMFILE: Node gives a process
// with no pipes, and its 'error' on the next tick) rejects naming that error.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startServedProcess } from '../../dist/cli/bench/served-process.js';
import { freePort } from '../cluster/helpers.js';

test('an interrupted start stops the server that never answered, and rejects', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const abort = new AbortController();
  let cleaned = false;
  const started = startServedProcess({
    label: 'never-serves',
    command: process.execPath,
    // Alive, never listening: without the signal the wait would last readyTimeoutMs.
    args: ['-e', 'setInterval(() => {}, 1000)'],
    port,
    readyTimeoutMs: 120_000,
    signal: abort.signal,
    cleanup: () => {
      cleaned = true;
    },
  });
  setTimeout(() => abort.abort(), 300);
  const error = await started.then(
    () => assert.fail('it started'),
    (e: unknown) => e as { code?: string; message?: string },
  );
  assert.equal(error.code, 'ERR_HIVE_BENCH_SERVER');
  assert.match(String(error.message), /interrupted/);
  assert.ok(cleaned, 'stopped (its cleanup runs once it has exited)');
});

test('a server that cannot be spawned (EMFILE) rejects naming the error, with no TypeError nor uncaught error', {
  timeout: 30_000,
}, async () => {
  const port = await freePort();
  // This process short of descriptors: a lower soft limit, the few left under it taken (spawn needs some for its pipes),
  // given back before the limit is restored (prlimit is itself a spawn).
  const soft = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))![1];
  const open = new Set(readdirSync('/proc/self/fd').map(Number));
  let lowest = 0;
  while (open.has(lowest)) lowest += 1;
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${lowest + 64}:`]);
  const taken: number[] = [];
  let error: { code?: string; message?: string };
  try {
    for (;;) {
      try {
        taken.push(openSync('/dev/null', 'r'));
      } catch {
        break;
      }
    }
    error = await startServedProcess({ label: 'no-fds', command: process.execPath, args: ['-e', ''], port }).then(
      () => assert.fail('it started'),
      (e: unknown) => e as { code?: string; message?: string },
    );
  } finally {
    for (const fd of taken) closeSync(fd);
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${soft}:`]);
  }
  assert.ok(taken.length > 0, 'descriptors were taken up to the limit');
  assert.equal(error.code, 'ERR_HIVE_BENCH_SERVER', String(error.message));
  assert.match(String(error.message), /could not start .*: spawn .*EMFILE/);
});
