// A server of `hive bench` that is still starting when the bench is interrupted (Ctrl-C) is stopped at once, not
// once it answers: the readiness wait may last a minute.
import assert from 'node:assert/strict';
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
