import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { poll } from '../poll.js';
import { fixture, freePort, type Hive, type HiveRecord, isEvent, killAll, startHive } from './helpers.js';

after(killAll);

// A SIGINT that reached an app process alone (`kill -INT <pid>`) and that its handler took without ending it is over
// once handled: it must not count for a later retirement. The runtime remembered it for good, so a reload or a stop
// skipped the app's SIGINT handler, and the process sat out killTimeout to be SIGKILLed.

/** Runs sigint-twice-app.cjs on one process, which then gets a SIGINT of its own and logs it. */
async function afterStraySigint(): Promise<{ hive: Hive; pid: number }> {
  const port = await freePort();
  const hive = startHive(
    [fixture('sigint-twice-app.cjs'), '-i', '1', '--port', String(port), '--kill-timeout', '15s'],
    {},
    { detached: true },
  );
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const [pid] = [...hive.readyPids().values()] as [number];
  process.kill(pid, 'SIGINT');
  await hive.waitFor((r) => r.kind === 'log' && r.pid === pid && r.line === 'SIGINT 1', 'the stray SIGINT', 30_000);
  return { hive, pid };
}

const logLines = (hive: Hive, pid: number) =>
  hive.records.filter((r) => r.kind === 'log' && r.pid === pid).map((r) => String(r.line));
const exitOf = (hive: Hive, pid: number): HiveRecord | undefined =>
  hive.records.find((r) => isEvent('exit')(r) && r.pid === pid);

test("a stray SIGINT to an app process: its reload still runs the app's SIGINT handler", async () => {
  const { hive, pid } = await afterStraySigint();
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'reload done', 60_000);
  const exit = await poll(() => exitOf(hive, pid), 'the old process exits', { timeoutMs: 90_000 });
  assert.deepEqual(logLines(hive, pid), ['SIGINT 1', 'SIGINT 2']);
  assert.deepEqual([exit.expected, exit.killed], [true, false]);
  // Its replacement would take one SIGINT more to end than a stop gives it: the test is over anyway.
  hive.kill('SIGKILL');
  await hive.exited;
});

test("a stray SIGINT to an app process: a later SIGINT to the primary alone still runs the app's handler", async () => {
  const { hive, pid } = await afterStraySigint();
  // A Ctrl-C's SIGINT may be read by the app process up to 500 ms before the primary's message for it: one read
  // earlier is another signal. Waiting twice that after the stray one was logged makes it earlier, on any machine.
  await delay(1000);
  hive.kill('SIGINT');
  assert.equal((await hive.exited).code, 0);
  assert.deepEqual(logLines(hive, pid), ['SIGINT 1', 'SIGINT 2']);
  assert.equal(exitOf(hive, pid)?.killed, false, 'the process waited out killTimeout');
});

// The Ctrl-C after it is a signal of its own, which the handler gets at once: the retirement does not run it again.
test('a stray SIGINT to an app process: a later Ctrl-C runs the handler once more, not twice', async () => {
  const { hive, pid } = await afterStraySigint();
  process.kill(-hive.child.pid!, 'SIGINT');
  assert.equal((await hive.exited).code, 0);
  assert.deepEqual(logLines(hive, pid), ['SIGINT 1', 'SIGINT 2']);
  assert.equal(exitOf(hive, pid)?.killed, false);
});
