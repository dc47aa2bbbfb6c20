import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, isEvent, killAll, startHive } from '../cluster/helpers.js';
import { poll } from '../poll.js';

after(killAll);

const fixture = (name: string): string => new URL(`../fixtures/runtime-review/${name}`, import.meta.url).pathname;

test('onShutdown: a hook that unregisters itself while it runs does not make the next hook be skipped; one registered meanwhile runs last', async () => {
  const port = await freePort();
  const hive = startHive([fixture('hooks.js'), '-i', '1', '--port', String(port)]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  hive.kill('SIGTERM');
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
  const ran = hive.records.filter((r) => r.kind === 'log' && String(r.line).startsWith('hook ')).map((r) => r.line);
  assert.deepEqual(ran, ['hook first ran', 'hook second ran', 'hook third ran', 'hook late ran']);
});

/**
 * Runs a fixture with plain node (no Hive primary), sends it `signal` once it printed `listening`, and gives how it
 * exited (or 'no exit' within 20 s) and what it printed.
 */
async function signalStandalone(
  name: string,
  signal: NodeJS.Signals,
): Promise<{ outcome: [number | null, string | null] | string; out: string }> {
  const child = spawn(process.execPath, [fixture(name)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.once('exit', (code, signal) => resolve([code, signal])),
  );
  try {
    await poll(() => out.includes('listening'), 'the app listening');
    child.kill(signal);
    // A hang bound that stops with the test: a poll of nothing went on for its 20 s after the exit had won the race,
    // holding the file's process that long.
    const outcome = await Promise.race([exited, delay(20_000, 'no exit', { ref: false })]);
    return { outcome, out };
  } finally {
    child.kill('SIGKILL');
  }
}

test('without a primary, SIGTERM runs the hooks and exits 0, even with a timer left running', async () => {
  const { outcome, out } = await signalStandalone('standalone-hooks.js', 'SIGTERM');
  assert.deepEqual(outcome, [0, null]);
  assert.match(out, /hook ran/);
});

test("without a primary, the app's own async SIGINT handler still ends the process: the hooks do not cut it short", async () => {
  const { outcome, out } = await signalStandalone('standalone-own-sigint.js', 'SIGINT');
  assert.deepEqual(outcome, [7, null], out);
  assert.match(out, /hook ran/);
  assert.match(out, /db closed/);
});
