import assert from 'node:assert/strict';
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { fixture, freePort, isEvent, startHive, until } from './helpers.js';

/** What the clients of {@link killWorkersUnderNewConnections} saw. */
export interface KillOutcome {
  ok: number;
  failed: number;
  /** Requests left without an answer or an error for 15 s: connections nobody served. */
  hung: number;
}

/**
 * Runs the fixture app with `hive run -i 2 <extraArgs>` under 16 loops of a new connection per request (each one a
 * handoff the primary makes), SIGKILLs the ready worker of each slot in turn `kills` times, waiting for each
 * replacement, then stops the load and the primary (which must exit 0).
 */
export async function killWorkersUnderNewConnections(extraArgs: string[], kills = 12): Promise<KillOutcome> {
  const port = await freePort();
  // Each kill is a crash: a short min uptime keeps the slots restarting instead of ending errored.
  const args = [fixture('app.js'), '-i', '2', '--port', String(port), '--min-uptime', '100ms', ...extraArgs];
  const hive = startHive([...args, '--restart-delay', '50ms', '--max-restarts', '1000']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const outcome: KillOutcome = { ok: 0, failed: 0, hung: 0 };
  let running = true;
  let next = 0;
  const request = () =>
    new Promise<void>((resolve) => {
      // A header that differs per request, for sticky modes keyed on it: both slots get connections.
      const headers = { 'x-client': `client-${next++}` };
      const req = http.get({ host: '127.0.0.1', port, agent: false, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          outcome.ok++;
          resolve();
        });
        res.on('error', () => {
          outcome.failed++;
          resolve();
        });
      });
      // Far past any answer on loopback (and past a sticky router's wait for a ready process): a connection nobody
      // serves never gets one.
      req.setTimeout(15_000, () => {
        outcome.hung++;
        req.destroy();
      });
      req.on('error', () => {
        outcome.failed++;
        resolve();
      });
    });
  const loops = Array.from({ length: 16 }, async () => {
    while (running) await request();
  });
  const readyCount = (instance: number) => hive.records.filter(isEvent('worker', { instance, state: 'ready' })).length;
  for (let kill = 0; kill < kills; kill++) {
    const instance = kill % 2;
    const before = readyCount(instance);
    process.kill(hive.readyPids().get(instance)!, 'SIGKILL');
    await until(() => readyCount(instance) > before, 'the replacement');
    await delay(100);
  }
  running = false;
  await Promise.all(loops);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  return outcome;
}

/** Asserts that no connection was left unanswered, and that the app served. */
export function assertNoneHung(outcome: KillOutcome): void {
  const { ok, failed, hung } = outcome;
  assert.equal(hung, 0, `${hung} connection(s) left unanswered (ok ${ok}, failed ${failed})`);
  assert.ok(ok > 0);
}
