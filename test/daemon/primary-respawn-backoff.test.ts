import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { appFixture, type Described, tempHome, waitFor } from './helpers.js';

// A primary's respawn backoff starts over after 30 s up, as a worker's restart backoff does (PM2's): it started over
// after 5 s, so a primary that died every few seconds was respawned after 100 ms forever.

const hive = tempHome();

const primaryPid = (app: Described) => app.processes.find((p) => p.role === 'primary')?.pid;

// Kills the app's primary and waits for the next one to be online; returns the killed pid.
async function killPrimary(name: string): Promise<number> {
  const killed = primaryPid(await hive.json<Described>(['describe', name]))!;
  process.kill(killed, 'SIGKILL');
  await waitFor(async () => {
    const app = await hive.json<Described>(['describe', name]);
    const pid = primaryPid(app);
    return app.status === 'online' && pid !== undefined && pid !== killed;
  }, 'the primary respawned');
  return killed;
}

test('a primary that dies again after 5 s up (under 30 s) is respawned with a longer delay', async () => {
  await hive.json(['start', appFixture, '--name', 'p', '-i', '1']);
  const first = await killPrimary('p');
  // Past the 5 s that count as a crash in a row, well under the 30 s that start the backoff over.
  await delay(5_500);
  const second = await killPrimary('p');
  const { apps } = await hive.json<HiveSnapshot>(['monit', 'p', '--once']);
  const texts = apps[0]!.events.map((e) => e.text);
  const delayOf = (pid: number) =>
    texts
      .map((t) => new RegExp(`^primary \\(pid ${pid}\\) killed by SIGKILL; restarting it in (\\d+) ms$`).exec(t))
      .find((match) => match !== null)?.[1];
  assert.deepEqual([delayOf(first), delayOf(second)], ['100', '150'], texts.join('\n'));
  await hive.run(['delete', 'p']);
});
