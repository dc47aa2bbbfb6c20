// A child process that died of an uncaught error was reported with the last 3 lines of its stderr: the stack's tail
// and the `Node.js v20.x` footer, never the error itself, and with no `cause` where a thread gives its error. Now the
// message quotes the error's first line (src/crash-summary.ts) and `cause` holds it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture } from './helpers.js';

test("isolation: 'process': a child's uncaught error is named in the message and is the cause", async () => {
  await using pool = new Pool({ filename: fixture('tasks.mjs'), isolation: 'process', minThreads: 1, maxThreads: 1 });
  const error = (await pool.run({}, { name: 'throwLater' }).catch((e: unknown) => e)) as Error & {
    code?: string;
    cause?: Error;
  };
  assert.equal(error.code, 'ERR_HIVE_THREAD_EXITED');
  assert.match(error.message, /exit code 1 \(Error: thrown outside the task\)$/);
  assert.doesNotMatch(error.message, /Node\.js v/);
  assert.ok(error.cause instanceof Error);
  assert.equal(error.cause.message, 'thrown outside the task');
  assert.equal(error.cause.name, 'Error');
  assert.match(error.cause.stack ?? '', /^Error: thrown outside the task\n {4}at /);
  // With its cause's first line, when it has one: the wrapper's message alone does not say what failed under it.
  const caused = (await pool
    .run({ cause: 'connect ECONNREFUSED' }, { name: 'throwLater' })
    .catch((e: unknown) => e)) as Error;
  assert.match(
    caused.message,
    /exit code 1 \(Error: thrown outside the task \(cause: Error: connect ECONNREFUSED\)\)$/,
  );
  // An exit of its own has no report: its last stderr lines are still quoted, and there is no cause.
  const exit = (await pool.run({ code: 4 }, { name: 'exit' }).catch((e: unknown) => e)) as Error;
  assert.match(exit.message, /exit code 4$/);
  assert.equal(exit.cause, undefined);
});
