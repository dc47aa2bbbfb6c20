// An app that crashes at import: `hive start` and `hive ls`'s last error name the error itself, not the last lines of
// Node's crash report (its stack's tail and the `Node.js v20.x` footer).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a crash at import is named by its error in hive start, hive ls and hive describe', async () => {
  const script = join(hive.dir, 'boom.cjs');
  // A long stack, so that the report's first lines fall out of a 20-line tail.
  writeFileSync(script, "require('./no-such-module');\n");
  const started = await hive.run(['start', script, '-i', '2', '--name', 'boom']);
  assert.equal(started.code, 1);
  const first = started.stderr.split('\n')[0]!;
  assert.match(
    first,
    /ERR_HIVE_WORKER_NOT_READY: .*before it was ready: Error: Cannot find module '\.\/no-such-module'/,
  );
  const [app] = await hive.json<(App & { lastError: string | null })[]>(['ls']);
  assert.equal(app!.status, 'errored');
  // None of the two it asked for is ready (it listed 0/0, as if it wanted none).
  assert.deepEqual([app!.ready, app!.total], [0, 2]);
  assert.match((await hive.run(['ls'])).stdout, /^0 +boom +cluster +0\/2 +errored/m);
  assert.match(app!.lastError ?? '', /Error: Cannot find module '\.\/no-such-module'$/);
  assert.doesNotMatch(app!.lastError ?? '', /Node\.js v\d/);
  const described = await hive.run(['describe', 'boom']);
  assert.match(described.stdout, /last error\s+.*Cannot find module/);
  await hive.json(['delete', 'boom']);
});

// The worker's crash report reached the error log as its own lines, then again quoted in the primary's reason for the
// failed start: the stack trace was there twice.
test("a failed start's error log holds the worker's stack trace once, and the reason once", async () => {
  const script = join(hive.dir, 'throws.cjs');
  writeFileSync(script, "throw new Error('boom at start');\n");
  const started = await hive.run(['start', script, '-i', '1', '--name', 'throws']);
  assert.equal(started.code, 1);
  // The reason still quotes the trace where it is shown.
  assert.match(started.stderr, /at Object\.<anonymous> \(.*throws\.cjs:1/);
  const log = hive.readLog('throws-error.log');
  assert.equal(log.match(/at Object\.<anonymous> \(/g)?.length, 1, log);
  assert.equal(log.match(/ERR_HIVE_WORKER_NOT_READY/g)?.length, 1, log);
  await hive.json(['delete', 'throws']);
});

// An Error with a cause, as database drivers throw, whose report outgrows the 20 stderr lines the primary kept: the
// reason said only "before it was ready", and `hive ls` the report's last line, its `Node.js v20.x` footer.
test('a crash report longer than the stderr tail is still named by its error and its cause', async () => {
  const script = join(hive.dir, 'pool.cjs');
  writeFileSync(
    script,
    [
      // Deep stacks, as a driver's are: the report is some 40 lines.
      'Error.stackTraceLimit = 20;',
      'function deep(n, f) { return n === 0 ? f() : deep(n - 1, f); }',
      'let inner;',
      "try { deep(12, () => { throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }); }); } catch (e) { inner = e; }",
      "deep(12, () => { throw new Error('database pool could not start', { cause: inner }); });",
      '',
    ].join('\n'),
  );
  const started = await hive.run(['start', script, '-i', '1', '--name', 'pool']);
  assert.equal(started.code, 1);
  const why =
    /before it was ready: Error: database pool could not start \(cause: Error: connect ECONNREFUSED 127\.0\.0\.1:5432\)/;
  assert.match(started.stderr.split('\n')[0]!, why);
  const [app] = (await hive.json<(App & { lastError: string | null })[]>(['ls'])).filter((a) => a.name === 'pool');
  assert.match(app!.lastError ?? '', why);
  // The quote's line that says where it left lines out is no line of the app's, for its error log.
  assert.match(started.stderr, /\.\.\. \d+ lines not kept \.\.\./);
  assert.doesNotMatch(hive.readLog('pool-error.log'), /not kept/);
  await hive.json(['delete', 'pool']);
});

// A crash loop's last error (`hive ls`, describe) named the error alone where a failed start's also named its cause.
test("a crash loop's last error names the error and its cause", async () => {
  const script = join(hive.dir, 'loop.cjs');
  writeFileSync(
    script,
    "throw new Error('job could not start', { cause: new Error('connect ECONNREFUSED 127.0.0.1:5432') });\n",
  );
  // Fork mode is ready at its spawn: each throw is a crash, not a failed start; errored at the second.
  await hive.json(['start', script, '-x', '--name', 'loop', '--max-restarts', '1', '--min-uptime', '1h']);
  const app = await waitFor(async () => {
    const [found] = (await hive.json<(App & { lastError: string | null })[]>(['ls'])).filter((a) => a.name === 'loop');
    return found?.status === 'errored' && found.lastError ? found : undefined;
  }, 'the app to be errored');
  assert.equal(
    app.lastError,
    'worker 0 crash-looped: Error: job could not start (cause: Error: connect ECONNREFUSED 127.0.0.1:5432)',
  );
  await hive.json(['delete', 'loop']);
});
