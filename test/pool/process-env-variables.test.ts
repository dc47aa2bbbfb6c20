// Under isolation 'process' a pool's `env` is a child process's environment, of C strings `NAME=value`, yet any object
// was taken: an empty name crashed every child as it started (node aborts copying such an environment, so each task
// failed with ERR_HIVE_THREAD_EXITED), `A=B` reached the child as `A` set to `B=...`. The constructor now refuses what
// no environment can hold (env-variable.ts, as a config file's `env`), naming the variable; a thread's env, a
// JavaScript object, still takes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from '../../dist/pool/index.js';
import { unholdableEnv } from '../env-variables.js';

const filename = new URL('../fixtures/cluster/task.js', import.meta.url);

test("isolation 'process' refuses an env variable no environment can hold, naming it", async () => {
  for (const [env, message] of unholdableEnv) {
    assert.throws(
      () => new Pool({ filename, isolation: 'process', maxThreads: 1, env: { OK: '1', ...env } }),
      { code: 'ERR_HIVE_INVALID_ARGUMENT', message },
      JSON.stringify(Object.keys(env)),
    );
  }
  // What a child can hold still runs, and reaches it.
  const pool = new Pool({ filename, isolation: 'process', maxThreads: 1, env: { ...process.env, 'a.b': 'x=y' } });
  try {
    assert.equal(await pool.run(21), 42);
  } finally {
    await pool.destroy();
  }
});

test('a thread pool takes such names still: its env is a JavaScript object', async () => {
  const pool = new Pool({ filename, maxThreads: 1, env: { '': 'x', 'A=B': 'y' } });
  try {
    assert.equal(await pool.run(2), 4);
  } finally {
    await pool.destroy();
  }
});
