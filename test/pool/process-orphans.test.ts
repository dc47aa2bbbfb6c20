// Under isolation: 'process' a child running a synchronous task outlived a host that exited, crashed or was
// SIGKILLed: reparented to pid 1, it spun forever. The host now SIGKILLs its children on 'exit', and each child has a
// watchdog thread that ends it when a pipe only the host holds closes (which the kernel does however the host ends).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { waitFor } from './helpers.js';

const host = new URL('./fixtures/host-of-spinning-child.mjs', import.meta.url).pathname;

/** Whether `pid` runs: a zombie nobody reaped yet (pid 1 in a container may never) counts as gone. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

for (const how of ['exit', 'throw', 'wait'] as const) {
  test(`a child busy in a synchronous task ends with its host (${how === 'wait' ? 'SIGKILL' : how})`, async (t) => {
    const hostProcess = spawn(process.execPath, [host, how], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    hostProcess.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    let child = 0;
    t.after(() => {
      hostProcess.kill('SIGKILL');
      if (child > 0 && running(child)) process.kill(child, 'SIGKILL');
    });
    await waitFor(() => /child (\d+)\n/.test(out), 20_000, 'the task to start');
    child = Number(/child (\d+)\n/.exec(out)?.[1]);
    assert.ok(child > 0);
    if (how === 'wait') hostProcess.kill('SIGKILL');
    await waitFor(() => hostProcess.exitCode !== null || hostProcess.signalCode !== null, 20_000, 'the host to end');
    await waitFor(() => !running(child), 20_000, `child ${child} to end`);
  });
}

test('an idle process pool does not hold its host open (the child stderr pipe held it)', async (t) => {
  const idleHost = new URL('./fixtures/host-of-idle-pool.mjs', import.meta.url).pathname;
  const hostProcess = spawn(process.execPath, [idleHost], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  hostProcess.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  t.after(() => hostProcess.kill('SIGKILL'));
  await waitFor(() => hostProcess.exitCode !== null, 20_000, 'the host to exit on its own');
  assert.equal(hostProcess.exitCode, 0);
  assert.match(out, /^done$/m);
  const child = Number(/child (\d+)\n/.exec(out)?.[1]);
  await waitFor(() => !running(child), 20_000, `child ${child} to end`);
});
