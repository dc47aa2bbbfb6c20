import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { PrimaryWatch } from '../../dist/daemon/primary-watch.js';
import { daemonFixture, waitFor } from './helpers.js';

test('a primary that dropped pings is cleared once it answers again: the ping goes out again while unanswered', async (t) => {
  // A real process over a real IPC channel, as the daemon pings a primary; none of Hive's primaries drops a ping on
  // demand, so this one does (fixtures/daemon/deaf-primary.cjs).
  // `execArgv: []`, not the test process's own: Node 24's test runner hands each test file every option as a flag,
  // `--report-signal=SIGUSR2` among them, which turns on reports on signal, so the SIGUSR2 below would also write a
  // `report.*.json` into the cwd (the repo root). The fixture is plain CommonJS and needs no loader.
  const child = fork(daemonFixture('deaf-primary.cjs'), [], {
    execArgv: [],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  await waitFor(() => output.includes('up\n'), 'the stand-in primary to listen');
  const reportOnSignal = new Promise<unknown>((resolve) => child.once('message', resolve));
  child.send({ type: 'report-on-signal?' });
  assert.deepEqual(await reportOnSignal, { reportOnSignal: false }, 'SIGUSR2 writes no diagnostic report');

  const changes: boolean[] = [];
  child.on('message', (message: { type?: string }) => {
    if (message.type === 'pong') watch.answered();
  });
  const watch = new PrimaryWatch(
    200,
    () => child.send({ hive: 1, type: 'ping' }),
    (unresponsive) => changes.push(unresponsive),
  );
  t.after(() => watch.stop());

  // Its loop runs, yet no answer comes: marked once the bound has passed, as a frozen one.
  await waitFor(() => watch.unresponsive, 'the mark of a primary that drops pings', 60_000);
  assert.ok(output.includes('dropped\n'), 'at least one ping was dropped');
  child.kill('SIGUSR2');
  await waitFor(() => output.includes('hearing\n'), 'the stand-in primary to answer again');
  // A watch that waits for the answer to the ping it lost would keep the mark until the primary exits.
  await waitFor(() => !watch.unresponsive, 'the mark to clear once pings are answered again', 60_000);
  assert.deepEqual(changes, [true, false]);
  child.kill('SIGKILL');
  await once(child, 'exit');
});
