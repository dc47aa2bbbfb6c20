import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixture, freePort, isEvent, killAll, startHive, until } from './helpers.js';

after(killAll);

// A process that SIGTERMs itself soon after it listened drains and exits 0, as one SIGTERMed from outside does. Only
// a process up for --min-uptime is a retirement someone asked for (restarted at once, not counted): before that it
// is a crash loop, so the restart rules (backoff, --max-restarts) apply and the slot ends errored, rather than
// restarting at once, forever.
test('a process that SIGTERMs itself before --min-uptime is a crash for the restart rules, and its slot errors', async () => {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '1', '--port', String(port), '--max-restarts', '2'];
  args.push('--exp-backoff-restart-delay', '20ms', '--min-uptime', '30s');
  const hive = await startHive(args, { SELF_SIGTERM_AFTER_MS: '50' });
  await until(() => hive.child.exitCode !== null, 'the primary exits once the slot is errored');
  assert.equal((await hive.exited).code, 1);
  assert.equal(hive.records.filter(isEvent('errored')).length, 1);
  const exits = hive.records.filter(isEvent('exit'));
  assert.ok(exits.length >= 2, `exits: ${exits.length}`);
  for (const exit of exits) {
    assert.equal(exit.code, 0);
    assert.equal(exit.retiredBy, undefined);
  }
  const restarts = hive.records.filter(isEvent('restart'));
  assert.ok(restarts.length > 0);
  assert.ok(restarts.every((restart) => restart.retiredBy === undefined && Number(restart.attempt) > 0));
});

// The same, with a drain that overruns --kill-timeout: the drain is not uptime, or the SIGKILL after it (past
// --min-uptime since ready) made every round a retirement, restarted at once, forever.
test('a process that SIGTERMs itself before --min-uptime and hangs in its drain still goes errored', async () => {
  const port = await freePort();
  const args = [fixture('self-sigterm-hang-app.mjs'), '-i', '1', '--port', String(port), '--max-restarts', '1'];
  args.push('--kill-timeout', '1s', '--min-uptime', '500ms', '--exp-backoff-restart-delay', '20ms');
  const hive = await startHive(args);
  await until(() => hive.child.exitCode !== null, 'the primary exits once the slot is errored', 60_000);
  assert.equal((await hive.exited).code, 1);
  assert.equal(hive.records.filter(isEvent('errored')).length, 1);
  const exits = hive.records.filter(isEvent('exit'));
  assert.ok(exits.length >= 2, `exits: ${exits.length}`);
  for (const exit of exits) {
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(exit.retiredBy, undefined);
  }
});
