import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixture, freePort, isEvent, killAll, startHive } from './helpers.js';

after(killAll);

// A stop retires a replacement still warming up: it fails its ready wait a tick after its exit, when the stop had
// already said `stopped` and the primary exited, so the reload was never said to end (only `phase: start`).
test('a reload interrupted by a stop ends with one aborted event (reason stopped) before the app stops', async () => {
  const port = await freePort();
  const args = [fixture('slow-ready-app.cjs'), '-i', '2', '--port', String(port), '--wait-ready'];
  // Long enough that the SIGTERM below comes while the first replacement still warms up.
  const hive = startHive(args, { READY_DELAY_MS: '2000' });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'start' }), 'reload start');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0, hive.stderr.join(''));
  const ends = hive.records.filter((r) => isEvent('reload')(r) && r.phase !== 'start');
  assert.deepEqual(
    ends.map((r) => ({ phase: r.phase, reason: r.reason })),
    [{ phase: 'aborted', reason: 'stopped' }],
  );
  const stopped = hive.records.findIndex(isEvent('state', { state: 'stopped' }));
  assert.ok(stopped > hive.records.indexOf(ends[0]!), 'the reload ended before the app stopped');
});
