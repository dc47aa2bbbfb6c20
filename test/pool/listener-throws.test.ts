// A `drain` or `error` listener, or a run() callback (`onProgress`, `onTiming`), that throws: the pool still finishes what it was doing (close() resolves, a failed
// load's task settles), and the throw surfaces as an uncaught exception, as a listener's throw does elsewhere in node.
// Each case runs in its own process, which catches its uncaught exceptions and reports them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fixture } from './helpers.js';

const script = fixture('listener-throws.mjs').pathname;

async function report(mode: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [script, mode], { timeout: 60_000 });
  assert.notEqual(stdout.trim(), '', `the ${mode} case left the pool hanging: the process ran out of work`);
  return JSON.parse(stdout) as Record<string, unknown>;
}

test('a drain listener that throws during close(): close() still resolves, the throw is uncaught once', async () => {
  assert.deepEqual(await report('drain'), {
    mode: 'drain',
    result: 1,
    closed: 'closed',
    uncaught: ['the drain listener threw'],
  });
});

test('an error listener that throws on a failed load: the task still rejects, the throw is uncaught once', async () => {
  assert.deepEqual(await report('error'), {
    mode: 'error',
    run: 'ERR_HIVE_TASK_MODULE',
    destroyed: 'destroyed',
    uncaught: ['the error listener threw'],
  });
});

test('an onProgress callback that throws: the task resolves, the pool goes on, the throw is uncaught once per call', async () => {
  assert.deepEqual(await report('onProgress'), {
    mode: 'onProgress',
    result: 'done',
    next: 2,
    closed: 'closed',
    uncaught: ['the onProgress callback threw', 'the onProgress callback threw'],
  });
});

test('an onTiming callback that throws: the task resolves, the pool goes on, the throw is uncaught once', async () => {
  assert.deepEqual(await report('onTiming'), {
    mode: 'onTiming',
    result: 'done',
    next: 2,
    closed: 'closed',
    uncaught: ['the onTiming callback threw'],
  });
});
