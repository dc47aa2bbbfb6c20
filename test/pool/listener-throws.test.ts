// A `drain` or `error` listener, or a run() callback (`onProgress`, `onTiming`), that throws: the pool still finishes what it was doing (close() resolves, a failed
// load's task settles), and the throw surfaces as an uncaught exception, as a listener's throw does elsewhere in node.
// Each case runs in its own process, which catches its uncaught exceptions and reports them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fixture } from './helpers.js';

const script = fixture('listener-throws.mjs').pathname;

// Runs the `mode` case and checks its report: `expected` besides the mode itself.
async function assertReport(mode: string, expected: Record<string, unknown>): Promise<void> {
  const { stdout } = await promisify(execFile)(process.execPath, [script, mode], { timeout: 60_000 });
  assert.notEqual(stdout.trim(), '', `the ${mode} case left the pool hanging: the process ran out of work`);
  assert.deepEqual(JSON.parse(stdout), { mode, ...expected });
}

test('a drain listener that throws during close(): close() still resolves, the throw is uncaught once', async () => {
  await assertReport('drain', { result: 1, closed: 'closed', uncaught: ['the drain listener threw'] });
});

test('an error listener that throws on a failed load: the task still rejects, the throw is uncaught once', async () => {
  await assertReport('error', {
    run: 'ERR_HIVE_TASK_MODULE',
    destroyed: 'destroyed',
    uncaught: ['the error listener threw'],
  });
});

// The task resolved, the next one too, and close() resolved.
const goesOn = { result: 'done', next: 2, closed: 'closed' };

test('an onProgress callback that throws: the task resolves, the pool goes on, the throw is uncaught once per call', async () => {
  await assertReport('onProgress', {
    ...goesOn,
    uncaught: ['the onProgress callback threw', 'the onProgress callback threw'],
  });
});

test('an onTiming callback that throws: the task resolves, the pool goes on, the throw is uncaught once', async () => {
  await assertReport('onTiming', { ...goesOn, uncaught: ['the onTiming callback threw'] });
});
