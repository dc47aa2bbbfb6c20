import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { fixture, freePort, isEvent, startHive, until } from './helpers.js';
import { type NewConnectionOutcome, startNewConnectionLoad } from './new-connection-load.js';

/**
 * Runs the fixture app with `hive run -i 2 <extraArgs>` under 16 loops of a new connection per request (each one a
 * handoff the primary makes), SIGKILLs the ready worker of each slot in turn `kills` times, waiting for each
 * replacement, then stops the load (a request still unanswered well after that is `hung`: see
 * {@link startNewConnectionLoad}) and the primary (which must exit 0).
 */
export async function killWorkersUnderNewConnections(extraArgs: string[], kills = 12): Promise<NewConnectionOutcome> {
  const port = await freePort();
  // Each kill is a crash: a short min uptime keeps the slots restarting instead of ending errored.
  const args = [fixture('app.js'), '-i', '2', '--port', String(port), '--min-uptime', '100ms', ...extraArgs];
  const hive = startHive([...args, '--restart-delay', '50ms', '--max-restarts', '1000']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  let next = 0;
  // A header that differs per request, for sticky modes keyed on it: both slots get connections.
  const load = startNewConnectionLoad(port, 16, () => ({ 'x-client': `client-${next++}` }));
  const readyCount = (instance: number) => hive.records.filter(isEvent('worker', { instance, state: 'ready' })).length;
  for (let kill = 0; kill < kills; kill++) {
    const instance = kill % 2;
    const before = readyCount(instance);
    process.kill(hive.readyPids().get(instance)!, 'SIGKILL');
    await until(() => readyCount(instance) > before, 'the replacement');
    await delay(100);
  }
  const outcome = await load.stop();
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  return outcome;
}

/** Asserts that no connection was left unanswered, and that the app served. */
export function assertNoneHung(outcome: NewConnectionOutcome): void {
  const { ok, failed, hung, errors } = outcome;
  assert.equal(
    hung,
    0,
    `${hung} connection(s) left unanswered (ok ${ok}, failed ${failed}: ${JSON.stringify(errors)})`,
  );
  assert.ok(ok > 0);
}
